/** The control-room console: duty, the live queue, claim → identity card + video → decision; 999 lookup; audit. */
import { render } from "preact";
import { useEffect, useMemo, useReducer, useRef, useState } from "preact/hooks";

import "../styles.css";
import { ApiClient } from "../shared/api";
import { REASON_MAX_LENGTH } from "../shared/api.generated";
import { configureAuth, idToken } from "../shared/auth";
import type { Claims } from "../shared/claims";
import { loadConfig, type AppConfig } from "../shared/config";
import { formatWaiting, spokenWaiting } from "../shared/format";
import { poll } from "../shared/poll";
import { arrivals, isFinal, queueTitle, STATE_LABEL, urgency, verifyBlocked, waitedNow } from "../shared/states";
import type { Claim, Duty as DutyAnswer, Queue as QueueAnswer, QueueItem, Session } from "../shared/types";
import { SignIn, SignOutButton, useSignedIn } from "../shared/signin";
import { CannotStart, ErrorMessage, IdentityCardView, Shell, useFocusOnMount, useNow } from "../shared/ui";
import { VideoPanel } from "../shared/videopanel";
import { AuditTrailPanel } from "./audit";
import { OfficerLookup } from "./lookup";
import { ServiceView } from "./service";
import {
  initialWorkspace,
  refusal,
  sessionState,
  shoulderInvalid,
  submission,
  withoutVideo as decidedWithoutVideo,
  workspaceReducer,
  type Outcome,
} from "./model";

type Tab = "queue" | "lookup" | "service";

function App(props: { config: AppConfig }) {
  const { claims, setClaims, signOut } = useSignedIn();
  if (claims === undefined) return <Shell title="Control room">{null}</Shell>;
  const allowed = claims && ["sergeant", "operator", "supervisor"].some((role) => claims.roles.includes(role));
  return (
    <Shell
      title={claims ? `Control room · ${claims.force ?? ""} ${claims.area ?? ""}` : "Control room"}
      aside={<SignOutButton claims={claims} onSignOut={signOut} />}
    >
      {!claims ? (
        <SignIn config={props.config} purpose="For sergeants, control-room operators and supervisors." onSignedIn={setClaims} />
      ) : allowed ? (
        <Console config={props.config} claims={claims} />
      ) : (
        <p class="error" role="alert">
          This console is for sergeants, control-room operators and supervisors. Your account has none of those roles.
        </p>
      )}
    </Shell>
  );
}

function Console(props: { config: AppConfig; claims: Claims }) {
  // One client for the console's life: `idToken` fetches the current token (refreshed when close
  // to expiry) for each request, so nothing about the client changes while signed in.
  const api = useMemo(() => new ApiClient(props.config.apiUrl, idToken), [props.config.apiUrl]);
  const sergeant = props.claims.roles.includes("sergeant");
  const supervisor = props.claims.roles.includes("supervisor");
  // A pure supervisor has no queue to work: they land on Service, and see only that.
  const queueWork = sergeant || props.claims.roles.includes("operator");
  const [tab, setTab] = useState<Tab>(queueWork ? "queue" : "service");
  const [claim, setClaim] = useState<{ claim: Claim; item: QueueItem | null } | null>(null);
  const [audit, setAudit] = useState<string | null>(null);

  if (audit) return <AuditTrailPanel api={api} sessionId={audit} level={1} onClose={() => setAudit(null)} />;
  if (claim) {
    return (
      <Workspace
        api={api}
        config={props.config}
        claim={claim.claim}
        item={claim.item}
        onDone={() => setClaim(null)}
      />
    );
  }
  return (
    <>
      <div class="toolbar">
        {sergeant ? <Duty api={api} /> : null}
        <nav aria-label="Console sections" class="controls">
          {queueWork ? (
            <>
              <button type="button" aria-current={tab === "queue" ? "page" : undefined} class={tab === "queue" ? "primary" : ""} onClick={() => setTab("queue")}>
                Queue
              </button>
              <button type="button" aria-current={tab === "lookup" ? "page" : undefined} class={tab === "lookup" ? "primary" : ""} onClick={() => setTab("lookup")}>
                999 lookup
              </button>
            </>
          ) : null}
          {supervisor ? (
            <button type="button" aria-current={tab === "service" ? "page" : undefined} class={tab === "service" ? "primary" : ""} onClick={() => setTab("service")}>
              Service
            </button>
          ) : null}
        </nav>
      </div>
      {tab === "queue" ? <Queue api={api} canClaim={sergeant} onClaimed={(c, item) => setClaim({ claim: c, item })} /> : null}
      {tab === "lookup" ? <OfficerLookup api={api} config={props.config} onAudit={setAudit} /> : null}
      {tab === "service" ? <ServiceView api={api} apiUrl={props.config.apiUrl} force={props.claims.force} /> : null}
    </>
  );
}

function Duty(props: { api: ApiClient }) {
  const [onDuty, setOnDuty] = useState<boolean | null>(null);
  const [subscribed, setSubscribed] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const set = async (value: boolean) => {
    setError(null);
    try {
      const answer = await props.api.request<DutyAnswer>("/me/duty", {
        method: "PUT",
        body: { on_duty: value },
      });
      setOnDuty(answer.on_duty);
      setSubscribed(answer.alerts_subscribed);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div class="duty" role="group" aria-label="Duty">
      {onDuty === null ? <span>Duty not set in this console.</span> : null}
      {onDuty === true ? (
        <span class="duty-on">
          <span aria-hidden="true">● </span>On duty{subscribed ? ": alerts come to your pager" : ""}
        </span>
      ) : null}
      {onDuty === false ? <span class="duty-off">Off duty: no alerts</span> : null}{" "}
      {onDuty !== true ? (
        <button type="button" class="good" onClick={() => void set(true)}>
          Go on duty
        </button>
      ) : (
        <button type="button" onClick={() => void set(false)}>
          Go off duty
        </button>
      )}
      <ErrorMessage error={error} />
    </div>
  );
}

function Queue(props: { api: ApiClient; canClaim: boolean; onClaimed: (claim: Claim, item: QueueItem) => void }) {
  const [items, setItems] = useState<QueueItem[] | null>(null);
  const [fetchedAt, setFetchedAt] = useState(Date.now());
  const [announce, setAnnounce] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [claimError, setClaimError] = useState<unknown>(null);
  const [claiming, setClaiming] = useState<string | null>(null);
  const previous = useRef<QueueItem[] | null>(null);
  const now = useNow();
  const { api } = props;

  useEffect(() => {
    // The server decides who sees a row, from the configured ladder and the caller's token: a
    // sergeant gets what they were paged for, an operator the whole force. Shown as it comes.
    return poll(() => api.request<QueueAnswer>("/queue"), {
      intervalMs: 2000,
      onValue: ({ sessions }) => {
        const arrived = arrivals(previous.current, sessions);
        if (arrived.length > 0) setAnnounce(`New request: ${arrived.map(queueTitle).join("; ")}`);
        previous.current = sessions;
        setItems(sessions);
        setFetchedAt(Date.now());
        setError(null);
      },
      onError: setError,
    });
  }, [api]);

  const claim = async (item: QueueItem) => {
    setClaiming(item.session_id);
    setClaimError(null);
    try {
      props.onClaimed(await props.api.request<Claim>(`/sessions/${encodeURIComponent(item.session_id)}/claim`, { method: "POST" }), item);
    } catch (err) {
      setClaimError(err);
      setClaiming(null);
    }
  };

  return (
    <section aria-labelledby="queue-heading">
      <h1 id="queue-heading">Waiting for a sergeant</h1>
      <p class="sr-only" aria-live="assertive">
        {announce}
      </p>
      <ErrorMessage error={error} />
      <ErrorMessage error={claimError} />
      {items === null ? <p>Loading the queue…</p> : null}
      {items !== null && items.length === 0 ? <p class="lede">Nobody is waiting. New requests appear here by themselves.</p> : null}
      {items !== null && items.length > 0 ? (
        <table class="queue">
          <caption class="sr-only">Requests waiting, oldest first</caption>
          <thead>
            <tr>
              <th scope="col">Urgency</th>
              <th scope="col">Who</th>
              <th scope="col">Area</th>
              <th scope="col">Waiting</th>
              <th scope="col">
                <span class="sr-only">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => {
              const waited = waitedNow(item, fetchedAt, now);
              const level = urgency(waited, item.escalation_level);
              const title = queueTitle(item);
              return (
                <tr key={item.session_id} class={`row-${level.level}`}>
                  <td>
                    <span class={`urgency urgency-${level.level}`}>{level.label}</span>
                  </td>
                  <td>
                    {title}
                    {item.channel === "public" ? <div class="hint">Her own call (no code)</div> : null}
                  </td>
                  <td>{item.area ?? "Force-wide"}</td>
                  <td>
                    <span aria-hidden="true">{formatWaiting(waited)}</span>
                    <span class="sr-only">{spokenWaiting(waited)}</span>
                  </td>
                  <td>
                    {props.canClaim ? (
                      <button type="button" class="primary" disabled={claiming !== null} aria-label={`Claim: ${title}`} onClick={() => void claim(item)}>
                        {claiming === item.session_id ? "Claiming…" : "Claim"}
                      </button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function Workspace(props: { api: ApiClient; config: AppConfig; claim: Claim; item: QueueItem | null; onDone: () => void }) {
  const { api, claim } = props;
  const [ws, dispatch] = useReducer(workspaceReducer, initialWorkspace);
  const { session, choosing, reason, shoulder, problem, error, pollError, busy, showAudit, videoSeen } = ws;
  const withoutVideo = decidedWithoutVideo(ws);
  const stopPolling = useRef<() => void>(() => undefined);
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const card = claim.officer ?? null;
  const blocked = verifyBlocked(card);
  const needsShoulder = !card;
  const state = sessionState(ws, claim.state);
  const decided = isFinal(state);

  useEffect(() => {
    stopPolling.current = poll(() => api.request<Session>(`/sessions/${encodeURIComponent(claim.session_id)}`), {
      intervalMs: 2000,
      onValue: (next) => dispatch({ type: "polled", session: next }),
      onError: (err) => dispatch({ type: "poll_failed", error: err }),
      done: (next) => isFinal(next.state),
    });
    return () => stopPolling.current();
  }, [api, claim.session_id]);

  const decide = async (outcome: Outcome) => {
    const planned = submission(ws, outcome, needsShoulder);
    dispatch({ type: "submit", submission: planned });
    if (!planned.body) return;
    try {
      const decidedSession = await api.request<Session>(`/sessions/${encodeURIComponent(claim.session_id)}/outcome`, { method: "POST", body: planned.body });
      stopPolling.current();
      dispatch({ type: "decided", session: decidedSession });
    } catch (err) {
      dispatch({ type: "refused", error: refusal(err) });
    }
  };

  const who = card ? `${card.rank} ${card.shoulder_number} ${card.display_name}` : "Member of the public";
  const remoteLabel = claim.channel === "public" ? "Member of the public" : "Officer";
  return (
    <section aria-labelledby="ws-heading">
      <h1 id="ws-heading" ref={heading} tabIndex={-1}>
        Checking {who}
      </h1>
      <ErrorMessage error={pollError} />
      <p>
        <strong>State: </strong>
        <span class={`state state-${state}`}>{STATE_LABEL[state]}</span>
        {session?.reference ? (
          <>
            {" · "}Reference <span class="reference">{session.reference}</span>
          </>
        ) : null}
      </p>
      {state === "dropped" ? (
        <p class="error" role="alert">
          The call ended before a decision. The officer has been told to call 999.
        </p>
      ) : null}
      {state === "cancelled" ? (
        <p class="error" role="alert">
          The officer cancelled this check.
        </p>
      ) : null}
      <div class="workspace">
        <div>
          {card ? <IdentityCardView card={card} heading="Identity card from the register" /> : null}
          {claim.named_officer ? (
            <p class={claim.named_officer.found ? "hint" : "error"}>
              She named officer {claim.named_officer.shoulder_number}: {claim.named_officer.message}
            </p>
          ) : null}
          {!decided ? (
            <section class="decision panel" aria-labelledby="decide">
              <h2 id="decide">Your decision</h2>
              <p class="hint">Compare the face on video with the register photo; ask to see the warrant card.</p>
              {needsShoulder ? (
                <>
                  <label for="shoulder">Shoulder number of the officer you confirmed (needed for Verified)</label>
                  <input
                    id="shoulder"
                    value={shoulder}
                    aria-invalid={shoulderInvalid(ws) ? "true" : "false"}
                    aria-describedby={problem ? "reason-error" : undefined}
                    onInput={(e) => dispatch({ type: "shoulder", value: (e.currentTarget as HTMLInputElement).value })}
                  />
                </>
              ) : null}
              {blocked ? (
                <p class="warning" id="blocked">
                  {blocked}
                </p>
              ) : null}
              {choosing === "not_verified" ? (
                <>
                  <label for="reason">Reason for "not verified" (required; the officer and the audit trail see it)</label>
                  <textarea
                    id="reason"
                    value={reason}
                    maxLength={REASON_MAX_LENGTH + 100}
                    aria-invalid={problem ? "true" : "false"}
                    aria-describedby={problem ? "reason-error" : undefined}
                    onInput={(e) => dispatch({ type: "reason", value: (e.currentTarget as HTMLTextAreaElement).value })}
                  />
                </>
              ) : null}
              {problem ? (
                <p class="field-error" id="reason-error" role="alert">
                  {problem}
                </p>
              ) : null}
              <div class="check">
                <input
                  type="checkbox"
                  id="without-video"
                  checked={withoutVideo}
                  aria-describedby="without-video-hint"
                  onChange={(e) => dispatch({ type: "without_video", checked: (e.currentTarget as HTMLInputElement).checked })}
                />
                <label for="without-video">Decided without video (voice and identity card only)</label>
              </div>
              <p class="hint" id="without-video-hint">
                {videoSeen
                  ? `You have seen the ${remoteLabel.toLowerCase()}'s video in this check.`
                  : `No video from the ${remoteLabel.toLowerCase()} has been seen in this check, so this is ticked. The audit trail records it.`}
              </p>
              <ErrorMessage error={error} />
              <div class="buttons">
                <button type="button" class="good" disabled={busy || blocked !== null} aria-describedby={blocked ? "blocked" : undefined} onClick={() => void decide("verified")}>
                  <span aria-hidden="true">✔ </span>Verified
                </button>
                {choosing === "not_verified" ? (
                  <button type="button" class="danger" disabled={busy} onClick={() => void decide("not_verified")}>
                    <span aria-hidden="true">✖ </span>Confirm not verified
                  </button>
                ) : (
                  <button type="button" class="danger" disabled={busy} onClick={() => dispatch({ type: "choose", outcome: "not_verified" })}>
                    <span aria-hidden="true">✖ </span>Not verified…
                  </button>
                )}
              </div>
            </section>
          ) : (
            <section class="panel" aria-labelledby="done">
              <h2 id="done">{STATE_LABEL[state]}</h2>
              {session?.outcome_reason ? <p>Reason: {session.outcome_reason}</p> : null}
              {session?.decided_without_video ? <p>Decided without video (voice and identity card only).</p> : null}
              <p>She sees the result on her own phone now.</p>
            </section>
          )}
          <p class="controls">
            <button type="button" aria-expanded={showAudit} onClick={() => dispatch({ type: "toggle_audit" })}>
              {showAudit ? "Hide the audit trail" : "Audit trail"}
            </button>
            {decided ? (
              // Only after an ending: leaving before a decision would strand her and the officer.
              <button type="button" class="primary" onClick={props.onDone}>
                Back to the queue
              </button>
            ) : null}
          </p>
          {showAudit ? <AuditTrailPanel api={api} sessionId={claim.session_id} level={2} /> : null}
        </div>
        <div>
          {!decided && claim.meeting ? (
            <VideoPanel
              meeting={claim.meeting}
              attendee={claim.attendee}
              remoteLabel={remoteLabel}
              purpose={`${
                claim.channel === "public"
                  ? "The member of the public needs to see and hear you while you check the officer with her."
                  : "The officer needs to see and hear you while you check them."
              } The browser will ask to use the camera and microphone. Without video you can still decide by voice and the identity card.`}
              onRemoteVideoSeen={() => dispatch({ type: "video_seen" })}
            />
          ) : null}
          {!decided && !claim.meeting ? <p class="warning">Video is not available for this check.</p> : null}
        </div>
      </div>
    </section>
  );
}

const root = document.getElementById("app");
if (root) {
  loadConfig().then(
    (config) => {
      configureAuth(config, "console");
      render(<App config={config} />, root);
    },
    (error) => render(<CannotStart title="Control room" error={error} />, root),
  );
}
