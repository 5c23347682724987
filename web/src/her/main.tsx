/** Her page: type the officer's code, watch the control room's decision, call them herself. */
import { render } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";

import "../styles.css";
import { ApiClient, ApiError, newIdempotencyKey, retryAfterMs } from "../shared/api";
import { loadConfig, type AppConfig } from "../shared/config";
import { clockTime, codeProblem, formatCode, normaliseCode } from "../shared/format";
import { poll } from "../shared/poll";
import { herCallStatus, herStatus } from "../shared/states";
import type { PublicCall, PublicView } from "../shared/types";
import { Call999, CannotStart, ErrorMessage, RegisterPhoto, Shell, StatusPanel, useFocusOnMount } from "../shared/ui";
import type { VideoPanelProps } from "../shared/videopanel";
import { decidedBy, FOLLOW_MS, officerCardHeading, problemText } from "./model";

type Screen =
  | { kind: "enter" }
  | { kind: "session"; code: string; view: PublicView }
  | { kind: "call" };

function App(props: { config: AppConfig }) {
  const api = useMemo(() => new ApiClient(props.config.apiUrl), [props.config.apiUrl]);
  const [screen, setScreen] = useState<Screen>({ kind: "enter" });
  return (
    <Shell title="Check a police officer">
      {screen.kind === "enter" ? (
        <EnterCode api={api} config={props.config} onFound={(code, view) => setScreen({ kind: "session", code, view })} onCall={() => setScreen({ kind: "call" })} />
      ) : null}
      {screen.kind === "session" ? (
        <SessionView api={api} config={props.config} code={screen.code} initial={screen.view} />
      ) : null}
      {screen.kind === "call" ? <CallFlow api={api} config={props.config} /> : null}
      <hr />
      <Call999 />
    </Shell>
  );
}

function EnterCode(props: {
  api: ApiClient;
  config: AppConfig;
  onFound: (code: string, view: PublicView) => void;
  onCall: () => void;
}) {
  const [typed, setTyped] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    const wrong = codeProblem(typed);
    setProblem(wrong);
    setError(null);
    if (wrong) {
      input.current?.focus();
      return;
    }
    const code = normaliseCode(typed);
    setBusy(true);
    try {
      const view = await props.api.request<PublicView>(`/verify/${encodeURIComponent(code)}`);
      props.onFound(code, view);
    } catch (err) {
      setError(err instanceof ApiError ? new Error(problemText(err)) : err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1>Is this a real police officer?</h1>
      <p class="lede">
        The officer who stopped you can prove who they are. Their phone shows a code. Type it here and the police
        control room will confirm them on a video call, while you watch the answer on your own phone.
      </p>
      <form class="panel" onSubmit={(e) => void submit(e)} noValidate>
        <label for="code">Code on the officer's phone</label>
        <p class="hint" id="code-hint">
          8 letters and numbers, for example ABCD-2345. Spaces and dashes do not matter.
        </p>
        {problem ? (
          <p class="field-error" id="code-error" role="alert">
            <span class="sr-only">Error: </span>
            {problem}
          </p>
        ) : null}
        <input
          ref={input}
          id="code"
          name="code"
          class="code-input"
          value={typed}
          onInput={(e) => setTyped((e.currentTarget as HTMLInputElement).value)}
          autoComplete="off"
          autoCapitalize="characters"
          spellcheck={false}
          maxLength={12}
          aria-describedby={problem ? "code-hint code-error" : "code-hint"}
          aria-invalid={problem ? "true" : "false"}
        />
        <ErrorMessage error={error} />
        <p>
          <button type="submit" class="primary huge" disabled={busy}>
            {busy ? "Checking…" : "Check the officer"}
          </button>
        </p>
      </form>
      <section class="panel" aria-labelledby="nocode">
        <h2 id="nocode">No code, or not sure?</h2>
        <p>You can call the police control room yourself on video. A sergeant will answer and check the officer.</p>
        <button type="button" onClick={props.onCall}>
          Call the control room myself
        </button>
      </section>
    </>
  );
}

function SessionView(props: { api: ApiClient; config: AppConfig; code: string; initial: PublicView }) {
  const [view, setView] = useState<PublicView>(props.initial);
  const [error, setError] = useState<unknown>(null);
  const [calling, setCalling] = useState(false);
  const status = herStatus(view);
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const { api, code } = props;
  const startedLive = herStatus(props.initial).live;

  useEffect(() => {
    if (!startedLive) return;
    return poll(() => api.request<PublicView>(`/verify/${encodeURIComponent(code)}`), {
      intervalMs: FOLLOW_MS,
      initialDelayMs: FOLLOW_MS, // the answer that opened this screen is fresh
      retryAfterMs,
      onValue: (next) => {
        setView(next);
        setError(null);
      },
      onError: (err) => setError(err instanceof ApiError ? new Error(problemText(err)) : err),
      done: (next) => !herStatus(next).live,
    });
  }, [api, code, startedLive]);

  const officer = view.officer;
  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        Officer check {formatCode(props.code)}
      </h1>
      <StatusPanel status={status} />
      {status.urge999 ? <Call999 prominent text="Call 999 now and ask the control room to confirm the officer." /> : null}
      <ErrorMessage error={error} />
      <OfficerCard view={view} config={props.config} />
      <Decision view={view} />
      <p>
        Your reference: <span class="reference">{view.reference}</span>
        <br />
        <span class="hint">Quote it if you contact the police about this stop.</span>
      </p>
      <Attendance
        requestedAt={view.attendance_requested_at}
        ask={() => props.api.request<PublicView>(`/verify/${encodeURIComponent(props.code)}/attendance`, { method: "POST" })}
        onView={setView}
      />
      {calling ? (
        <CallFlow api={props.api} config={props.config} shoulder={officer?.shoulder_number} force={officer?.force} />
      ) : (
        <p>
          <button type="button" onClick={() => setCalling(true)}>
            Call the control room myself
          </button>
        </p>
      )}
    </>
  );
}

/** The officer behind the code, headed by what is known: confirmed only once verified. */
function OfficerCard(props: { view: PublicView; config: AppConfig }) {
  const officer = props.view.officer;
  const heading = officerCardHeading(props.view.state);
  if (!officer || !heading) return null;
  const confirmed = props.view.state === "verified";
  return (
    <section class={confirmed ? "card confirmed" : "card"} aria-labelledby="who">
      <h2 id="who">{heading}</h2>
      <div class="card-body">
        <RegisterPhoto url={officer.photo_url} alt={`Police register photo of ${officer.rank} ${officer.display_name}`} />
        <dl class="facts">
          <dt>Name</dt>
          <dd>{officer.display_name}</dd>
          <dt>Rank</dt>
          <dd>{officer.rank}</dd>
          <dt>Shoulder number</dt>
          <dd class="big">{officer.shoulder_number}</dd>
          <dt>Force</dt>
          <dd>{forceName(props.config, officer.force)}</dd>
        </dl>
      </div>
      <p class="hint">
        {confirmed
          ? "Check the face, and the shoulder number on their warrant card, match."
          : "Not confirmed yet: wait for the control room's answer before you go anywhere with them."}
      </p>
    </section>
  );
}

function Decision(props: { view: PublicView }) {
  const decision = props.view.decision;
  if (!decision) return null;
  return (
    <p>
      Decided by {decidedBy(decision.decided_by)} at {clockTime(decision.decided_at)}.
    </p>
  );
}

function Attendance(props: { requestedAt: string | null; ask: () => Promise<PublicView>; onView: (view: PublicView) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (props.requestedAt) {
    return (
      <p class="status tone-active" role="status">
        A uniformed officer has been asked to come (asked at {clockTime(props.requestedAt)}). Stay somewhere safe and
        public.
      </p>
    );
  }
  const ask = async () => {
    setBusy(true);
    setError(null);
    try {
      props.onView(await props.ask());
    } catch (err) {
      setError(err instanceof ApiError ? new Error(problemText(err)) : err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="panel" aria-labelledby="attend">
      <h2 id="attend">Want a uniformed officer?</h2>
      <p>You can ask for an officer in uniform to come to where you are.</p>
      <ErrorMessage error={error} />
      <button type="button" disabled={busy} onClick={() => void ask()}>
        Ask for a uniformed officer
      </button>
    </section>
  );
}

function CallFlow(props: { api: ApiClient; config: AppConfig; shoulder?: string; force?: string }) {
  const [call, setCall] = useState<PublicCall | null>(null);
  const [view, setView] = useState<PublicView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [key] = useState(newIdempotencyKey);
  const forces = props.config.forces;
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [call?.call_id]);

  const { api } = props;
  const callId = call?.call_id;
  const pollToken = call?.poll_token;

  useEffect(() => {
    if (callId === undefined || pollToken === undefined) return;
    const headers = { "X-Call-Token": pollToken };
    return poll(() => api.request<PublicView>(`/public/calls/${encodeURIComponent(callId)}`, { headers }), {
      intervalMs: 5000,
      retryAfterMs,
      onValue: (next) => {
        setView(next);
        setError(null);
      },
      onError: setError,
      done: (next) => !herCallStatus(next.state).live,
    });
  }, [api, callId, pollToken]);

  const start = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const body: Record<string, unknown> = { force: String(form.get("force") ?? forces[0]?.code) };
    const shoulder = String(form.get("shoulder") ?? "").trim();
    if (shoulder) body.shoulder_number = shoulder;
    setBusy(true);
    setError(null);
    try {
      // The same key on a retry: the ops room is paged once.
      setCall(await props.api.request<PublicCall>("/public/calls", { method: "POST", body, headers: { "Idempotency-Key": key } }));
    } catch (err) {
      setError(err instanceof ApiError ? new Error(problemText(err)) : err);
    } finally {
      setBusy(false);
    }
  };

  if (!call) {
    return (
      <form class="panel" onSubmit={(e) => void start(e)} aria-labelledby="call-heading">
        <h2 id="call-heading" ref={heading} tabIndex={-1}>
          Call the control room
        </h2>
        <p>A sergeant in the police control room will answer on video. Nobody is asked to give their name.</p>
        {forces.length > 1 ? (
          <>
            <label for="force">Police force</label>
            <select id="force" name="force">
              {forces.map((f) => (
                <option key={f.code} value={f.code} selected={f.code === (props.force ?? forces[0]?.code)}>
                  {f.name}
                </option>
              ))}
            </select>
          </>
        ) : (
          <input type="hidden" name="force" value={forces[0]?.code} />
        )}
        <label for="shoulder">The officer's shoulder number, if you know it (optional)</label>
        <input id="shoulder" name="shoulder" inputMode="numeric" autoComplete="off" maxLength={10} defaultValue={props.shoulder ?? ""} />
        <ErrorMessage error={error} />
        <p>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? "Calling…" : "Start the video call"}
          </button>
        </p>
      </form>
    );
  }

  const state = view?.state ?? call.state;
  const status = herCallStatus(state);
  const confirmed = state === "verified" && view ? view : null;
  return (
    <section aria-labelledby="her-call">
      <h2 id="her-call" ref={heading} tabIndex={-1}>
        Your call to the control room
      </h2>
      <StatusPanel status={status} />
      <ErrorMessage error={error} />
      {confirmed ? (
        <>
          <OfficerCard view={confirmed} config={props.config} />
          <Decision view={confirmed} />
        </>
      ) : null}
      {status.live && call.meeting ? (
        <LazyVideoPanel
          meeting={call.meeting}
          attendee={call.attendee}
          remoteLabel="Control room"
          purpose="The sergeant in the control room will see and hear you while they check the officer. Your phone will ask to use the camera and microphone."
        />
      ) : null}
      <p>
        Your reference: <span class="reference">{call.reference}</span>
      </p>
      <Attendance
        requestedAt={view?.attendance_requested_at ?? null}
        ask={() =>
          props.api.request<PublicView>(`/public/calls/${encodeURIComponent(call.call_id)}/attendance`, {
            method: "POST",
            headers: { "X-Call-Token": call.poll_token },
          })
        }
        onView={setView}
      />
    </section>
  );
}

type Panel = typeof import("../shared/videopanel").VideoPanel;

/** The video panel, fetched only when she starts her own call: her page stays small. */
function LazyVideoPanel(props: VideoPanelProps) {
  const [panel, setPanel] = useState<{ Panel: Panel } | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let gone = false;
    import("../shared/videopanel").then(
      (module) => !gone && setPanel({ Panel: module.VideoPanel }),
      () => !gone && setFailed(true),
    );
    return () => {
      gone = true;
    };
  }, []);
  return (
    panel ? (
      <panel.Panel {...props} />
    ) : (
      <section class="video" aria-label="Video call">
        <p class="video-status" role="status">
          {failed ? "Video could not be loaded. The check goes on: keep this page open." : "Starting video…"}
        </p>
      </section>
    )
  );
}

function forceName(config: AppConfig, code: string): string {
  return config.forces.find((f) => f.code === code)?.name ?? code;
}

const root = document.getElementById("app");
if (root) {
  loadConfig().then(
    (config) => render(<App config={config} />, root),
    (error) =>
      render(
        <CannotStart
          title="Check a police officer"
          error={error}
          advice="This page cannot reach the police service right now. Call 999 and ask the control room to confirm the officer."
        />,
        root,
      ),
  );
}
