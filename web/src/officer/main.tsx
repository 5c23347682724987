/** The officer app: one button to start, the code to show her, the call, the live state, 999. */
import { render } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";

import "../styles.css";
import "./officer.css";
import { ApiClient, ApiError, newIdempotencyKey } from "../shared/api";
import { configureAuth, idToken } from "../shared/auth";
import { loadConfig, type AppConfig } from "../shared/config";
import { formatCode } from "../shared/format";
import { poll } from "../shared/poll";
import type { Session } from "../shared/types";
import { SignIn, SignOutButton, useSignedIn } from "../shared/signin";
import { Call999, CannotStart, ErrorMessage, Shell, StatusPanel, useFocusOnMount } from "../shared/ui";
import { VideoPanel } from "../shared/videopanel";
import { AfterTheStop, SayToHer } from "./after-view";
import { t } from "./messages";
import { officerStatus } from "./status";
import { currentPosition, explainRefusal, publicAddress, startWithRetry } from "./model";

const ACTIVE_KEY = "safe-connection.active-session";

function App(props: { config: AppConfig }) {
  const { claims, setClaims, signOut } = useSignedIn(() => sessionStorage.removeItem(ACTIVE_KEY));
  if (claims === undefined) return <Shell title={t("officer.title")}>{null}</Shell>;
  return (
    <Shell
      title={t("officer.title")}
      aside={<SignOutButton claims={claims} onSignOut={signOut} />}
    >
      {claims ? (
        claims.roles.includes("officer") ? (
          <Officer config={props.config} />
        ) : (
          <p class="error" role="alert">
            {t("officer.noRole")}
          </p>
        )
      ) : (
        <SignIn config={props.config} purpose={t("officer.signInPurpose")} onSignedIn={setClaims} />
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

  // Kept until the officer presses Done, so a reload of the ended stop still shows her record's status.
  const keep = (next: Session | null) => {
    setSession(next);
    if (next) sessionStorage.setItem(ACTIVE_KEY, JSON.stringify(next));
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
        <h1>{t("officer.start.heading")}</h1>
        <p class="lede">{t("officer.start.lede")}</p>
        {failure ? (
          <>
            <StatusPanel status={officerStatus(null, { failed: true })} />
            <ErrorMessage error={failure} />
            <Call999 prominent text={t("officer.start.failed999")} />
          </>
        ) : null}
        <button type="button" class="primary huge" disabled={busy} onClick={() => void start()}>
          {busy ? t("officer.start.busy") : t("officer.start.button")}
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
      {status.urge999 ? <Call999 prominent text={t("officer.urge999")} /> : null}
      {session.public_code && officerStatus(session.state).live ? (
        <section class="code-display" aria-labelledby="code-heading">
          <h2 id="code-heading">{t("officer.code.heading")}</h2>
          <p class="code" aria-label={t("officer.code.label", { spelled: [...formatCode(session.public_code)].join(" ") })}>
            {formatCode(session.public_code)}
          </p>
          <p>{t("officer.code.address")}</p>
          <p class="address">{publicAddress(props.config.publicUrl)}</p>
          <p class="hint">{t("officer.code.hint")}</p>
          <SayToHer address={publicAddress(props.config.publicUrl)} code={formatCode(session.public_code)} />
        </section>
      ) : null}
      {live && session.meeting && session.attendee ? (
        <VideoPanel
          meeting={session.meeting}
          attendee={session.attendee}
          remoteLabel={t("officer.video.remote")}
          purpose={t("officer.video.purpose")}
          fallback999={t("officer.video.fallback999")}
        />
      ) : null}
      <p>
        {t("officer.reference")} <span class="reference">{session.reference}</span>
      </p>
      {!live && !gone ? <AfterTheStop api={props.api} sessionId={sessionId} /> : null}
      {live && !gone ? (
        confirming ? (
          <div class="panel" role="group" aria-labelledby="cancel-q">
            <p id="cancel-q">{t("officer.cancel.question")}</p>
            <button type="button" class="danger" onClick={() => void cancel()}>
              {t("officer.cancel.yes")}
            </button>{" "}
            <button type="button" onClick={() => setConfirming(false)}>
              {t("officer.cancel.no")}
            </button>
          </div>
        ) : (
          <button type="button" class="secondary" onClick={() => setConfirming(true)}>
            {t("officer.cancel.button")}
          </button>
        )
      ) : (
        <button type="button" class="primary" onClick={() => props.onChange(null)}>
          {t("officer.done")}
        </button>
      )}
      <ErrorMessage error={cancelError} />
      {!status.urge999 ? <Call999 text={t("officer.footer999")} /> : null}
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
          title={t("officer.title")}
          error={error}
          advice={t("officer.cannotStart")}
        />,
        root,
      ),
  );
}
