/** The officer app: one button to start, the code to show her, the call, the live state, 999. */
import { render } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";

import "../styles.css";
import { ApiClient, ApiError, newIdempotencyKey } from "../shared/api";
import { configureAuth, idToken } from "../shared/auth";
import { loadConfig, type AppConfig } from "../shared/config";
import { formatCode } from "../shared/format";
import { poll } from "../shared/poll";
import { officerStatus } from "../shared/states";
import type { Session } from "../shared/types";
import { SignIn, SignOutButton, useSignedIn } from "../shared/signin";
import { Call999, CannotStart, ErrorMessage, Shell, StatusPanel, useFocusOnMount } from "../shared/ui";
import { VideoPanel } from "../shared/videopanel";
import { currentPosition, explainRefusal, publicAddress, startWithRetry } from "./model";

const ACTIVE_KEY = "safe-connection.active-session";

function App(props: { config: AppConfig }) {
  const { claims, setClaims, signOut } = useSignedIn(() => sessionStorage.removeItem(ACTIVE_KEY));
  if (claims === undefined) return <Shell title="Officer">{null}</Shell>;
  return (
    <Shell
      title="Officer"
      aside={<SignOutButton claims={claims} onSignOut={signOut} />}
    >
      {claims ? (
        claims.roles.includes("officer") ? (
          <Officer config={props.config} />
        ) : (
          <p class="error" role="alert">
            This app is for officers. Your account has no officer role: ask your administrator.
          </p>
        )
      ) : (
        <SignIn config={props.config} purpose="Sign in once per shift. Your code is on your authenticator app." onSignedIn={setClaims} />
      )}
    </Shell>
  );
}

function Officer(props: { config: AppConfig }) {
  // One client while signed in: `idToken` fetches the current (refreshed) token for each request.
  const api = useMemo(() => new ApiClient(props.config.apiUrl, idToken), [props.config.apiUrl]);
  const [session, setSession] = useState<Session | null>(() => {
    const saved = sessionStorage.getItem(ACTIVE_KEY);
    return saved ? (JSON.parse(saved) as Session) : null;
  });
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const keep = (next: Session | null) => {
    setSession(next);
    if (next && officerStatus(next.state).live) sessionStorage.setItem(ACTIVE_KEY, JSON.stringify(next));
    else sessionStorage.removeItem(ACTIVE_KEY);
  };

  const start = async () => {
    setBusy(true);
    setFailure(null);
    try {
      const location = await currentPosition(1500);
      const body = location ? { location } : {};
      keep(await startWithRetry(api, body, newIdempotencyKey()));
    } catch (err) {
      setFailure(err);
    } finally {
      setBusy(false);
    }
  };

  if (!session) {
    return (
      <>
        <h1>Prove who you are</h1>
        <p class="lede">Press the button. The control room will see you on video and confirm you to the person you stopped.</p>
        {failure ? (
          <>
            <StatusPanel status={officerStatus(null, { failed: true })} />
            <ErrorMessage error={failure} />
            <Call999 prominent text="Call 999 and ask the control room to confirm you." />
          </>
        ) : null}
        <button type="button" class="primary huge" disabled={busy} onClick={() => void start()}>
          {busy ? "Starting…" : "Start Safe Connection"}
        </button>
      </>
    );
  }
  return <Active api={api} config={props.config} initial={session} onChange={keep} />;
}

function Active(props: { api: ApiClient; config: AppConfig; initial: Session; onChange: (session: Session | null) => void }) {
  const [session, setSession] = useState<Session>(props.initial);
  const [failed, setFailed] = useState<unknown>(null);
  const [confirming, setConfirming] = useState(false);
  const [cancelError, setCancelError] = useState<unknown>(null);
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const status = officerStatus(session.state, { failed: failed instanceof ApiError && failed.isOutage, reason: session.outcome_reason, advice: session.advice });
  // The poll follows one session: it starts with the session and the onChange of the render that
  // started it (each answer is laid over that first session), and a later render does not restart it.
  const latest = useRef(props);
  latest.current = props;
  const { api } = props;
  const sessionId = props.initial.session_id;

  useEffect(() => {
    const { initial, onChange } = latest.current;
    if (!officerStatus(initial.state).live) return;
    return poll(() => api.request<Session>(`/sessions/${encodeURIComponent(sessionId)}`), {
      intervalMs: 2000,
      onValue: (next) => {
        setFailed(null);
        // GET leaves out the officer's attendee: keep the one from the start.
        setSession((before) => ({ ...before, ...next, attendee: before.attendee, meeting: before.meeting }));
        onChange({ ...initial, ...next, attendee: initial.attendee, meeting: initial.meeting });
      },
      onError: setFailed,
      done: (next) => !officerStatus(next.state).live,
    });
  }, [api, sessionId]);

  const cancel = async () => {
    setCancelError(null);
    try {
      const next = await props.api.request<Session>(`/sessions/${encodeURIComponent(session.session_id)}/cancel`, { method: "POST" });
      setSession((before) => ({ ...before, ...next }));
      props.onChange(null);
    } catch (err) {
      setCancelError(err);
    } finally {
      setConfirming(false);
    }
  };

  // The call stays up through a failed poll: bad signal must not take the officer off the call.
  const live = officerStatus(session.state).live;
  const refused = failed instanceof ApiError && !failed.isOutage ? explainRefusal(failed) : null;
  const gone = failed instanceof ApiError && failed.status === 404;
  return (
    <>
      <StatusPanel status={status} headingRef={heading} />
      <ErrorMessage error={refused} />
      {status.urge999 ? <Call999 prominent text="Give your force and shoulder number; the operator can confirm you." /> : null}
      {session.public_code && officerStatus(session.state).live ? (
        <section class="code-display" aria-labelledby="code-heading">
          <h2 id="code-heading">Show her this code</h2>
          <p class="code" aria-label={`Code: ${[...formatCode(session.public_code)].join(" ")}`}>
            {formatCode(session.public_code)}
          </p>
          <p>Ask her to type this address on her own phone, then the code:</p>
          <p class="address">{publicAddress(props.config.publicUrl)}</p>
          <p class="hint">Do not give her a link or a QR code: she should type the address herself.</p>
        </section>
      ) : null}
      {live && session.meeting && session.attendee ? (
        <VideoPanel
          meeting={session.meeting}
          attendee={session.attendee}
          remoteLabel="Control room"
          purpose="The sergeant in the control room must see your face and hear you to confirm who you are, in front of the person you stopped. Your phone will ask to use the camera and microphone."
          fallback999="If the video will not come back, call 999 and give your force and shoulder number: the operator can confirm you."
        />
      ) : null}
      <p>
        Reference: <span class="reference">{session.reference}</span>
      </p>
      {live && !gone ? (
        confirming ? (
          <div class="panel" role="group" aria-labelledby="cancel-q">
            <p id="cancel-q">Cancel this check? She will see that you cancelled.</p>
            <button type="button" class="danger" onClick={() => void cancel()}>
              Yes, cancel the check
            </button>{" "}
            <button type="button" onClick={() => setConfirming(false)}>
              No, keep waiting
            </button>
          </div>
        ) : (
          <button type="button" class="secondary" onClick={() => setConfirming(true)}>
            Cancel
          </button>
        )
      ) : (
        <button type="button" class="primary" onClick={() => props.onChange(null)}>
          Done
        </button>
      )}
      <ErrorMessage error={cancelError} />
      {!status.urge999 ? <Call999 text="If anything goes wrong, call 999: the control room can confirm you." /> : null}
    </>
  );
}

const root = document.getElementById("app");
if (root) {
  if ("serviceWorker" in navigator && location.protocol === "https:") {
    void navigator.serviceWorker.register("/officer/sw.js", { scope: "/officer/" }).catch(() => undefined);
  }
  loadConfig().then(
    (config) => {
      configureAuth(config, "officer");
      render(<App config={config} />, root);
    },
    (error) =>
      render(
        <CannotStart
          title="Officer"
          error={error}
          advice="Safe Connection cannot start. Call 999 and ask the control room to confirm you."
        />,
        root,
      ),
  );
}
