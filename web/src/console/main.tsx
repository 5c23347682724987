/** The control-room console: duty, the live queue, claim → identity card + video → decision; 999 lookup; audit. */
import { render } from "preact";
import { useEffect, useMemo, useReducer, useRef, useState } from "preact/hooks";

import "../styles.css";
import "./console.css";
import { ApiClient } from "../shared/api";
import { REASON_MAX_LENGTH } from "../shared/api.generated";
import { configureAuth, idToken } from "../shared/auth";
import type { Claims } from "../shared/claims";
import { loadConfig, type AppConfig } from "../shared/config";
import { formatWaiting, spokenWaiting } from "../shared/format";
import { poll } from "../shared/poll";
import { isFinal } from "../shared/states";
import type { Claim, Duty as DutyAnswer, Queue as QueueAnswer, QueueItem, Session } from "../shared/types";
import { SignIn, SignOutButton, useSignedIn } from "../shared/signin";
import { CannotStart, ErrorMessage, Shell, useFocusOnMount, useNow } from "../shared/ui";
import { VideoPanel } from "../shared/videopanel";
import { AuditTrailPanel } from "./audit";
import { IdentityCardView } from "./card";
import { FeedbackView } from "./feedback";
import { t } from "./messages";
import { arrivals, queueTitle, STATE_LABEL, urgency, verifyBlocked, waitedNow } from "./words";
import { OfficerLookup } from "./lookup";
import { ServiceView } from "./service";
import {
  attendanceRefusal,
  attendanceView,
  initialWorkspace,
  refusal,
  sessionState,
  shoulderInvalid,
  stillFollowing,
  submission,
  withoutVideo as decidedWithoutVideo,
  workspaceReducer,
  type Outcome,
} from "./model";

type Tab = "queue" | "lookup" | "service" | "feedback";

function App(props: { config: AppConfig }) {
  const { claims, setClaims, signOut } = useSignedIn();
  if (claims === undefined) return <Shell title={t("console.title")}>{null}</Shell>;
  const allowed = claims && ["sergeant", "operator", "supervisor"].some((role) => claims.roles.includes(role));
  return (
    <Shell
      title={claims ? t("console.titleSignedIn", { force: claims.force ?? "", area: claims.area ?? "" }) : t("console.title")}
      aside={<SignOutButton claims={claims} onSignOut={signOut} />}
    >
      {!claims ? (
        <SignIn config={props.config} purpose={t("console.signInPurpose")} onSignedIn={setClaims} />
      ) : allowed ? (
        <Console config={props.config} claims={claims} />
      ) : (
        <p class="error" role="alert">
          {t("console.noRole")}
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
        <nav aria-label={t("console.sections")} class="controls">
          {queueWork ? (
            <>
              <button type="button" aria-current={tab === "queue" ? "page" : undefined} class={tab === "queue" ? "primary" : ""} onClick={() => setTab("queue")}>
                {t("console.tab.queue")}
              </button>
              <button type="button" aria-current={tab === "lookup" ? "page" : undefined} class={tab === "lookup" ? "primary" : ""} onClick={() => setTab("lookup")}>
                {t("console.tab.lookup")}
              </button>
            </>
          ) : null}
          {supervisor ? (
            <>
              <button type="button" aria-current={tab === "service" ? "page" : undefined} class={tab === "service" ? "primary" : ""} onClick={() => setTab("service")}>
                {t("console.tab.service")}
              </button>
              <button type="button" aria-current={tab === "feedback" ? "page" : undefined} class={tab === "feedback" ? "primary" : ""} onClick={() => setTab("feedback")}>
                {t("console.tab.feedback")}
              </button>
            </>
          ) : null}
        </nav>
      </div>
      {tab === "queue" ? <Queue api={api} canClaim={sergeant} onClaimed={(c, item) => setClaim({ claim: c, item })} /> : null}
      {tab === "lookup" ? <OfficerLookup api={api} config={props.config} onAudit={setAudit} /> : null}
      {tab === "service" ? <ServiceView api={api} apiUrl={props.config.apiUrl} force={props.claims.force} /> : null}
      {tab === "feedback" ? <FeedbackView api={api} force={props.claims.force} /> : null}
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
    <div class="duty" role="group" aria-label={t("console.duty.group")}>
      {onDuty === null ? <span>{t("console.duty.unknown")}</span> : null}
      {onDuty === true ? (
        <span class="duty-on">
          <span aria-hidden="true">● </span>
          {subscribed ? t("console.duty.onPaged") : t("console.duty.on")}
        </span>
      ) : null}
      {onDuty === false ? <span class="duty-off">{t("console.duty.off")}</span> : null}{" "}
      {onDuty !== true ? (
        <button type="button" class="good" onClick={() => void set(true)}>
          {t("console.duty.goOn")}
        </button>
      ) : (
        <button type="button" onClick={() => void set(false)}>
          {t("console.duty.goOff")}
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
        if (arrived.length > 0) setAnnounce(t("console.queue.arrived", { titles: arrived.map(queueTitle).join("; ") }));
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
      <h1 id="queue-heading">{t("console.queue.heading")}</h1>
      <p class="sr-only" aria-live="assertive">
        {announce}
      </p>
      <ErrorMessage error={error} />
      <ErrorMessage error={claimError} />
      {items === null ? <p>{t("console.queue.loading")}</p> : null}
      {items !== null && items.length === 0 ? <p class="lede">{t("console.queue.empty")}</p> : null}
      {items !== null && items.length > 0 ? (
        <table class="queue">
          <caption class="sr-only">{t("console.queue.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("console.queue.urgency")}</th>
              <th scope="col">{t("console.queue.who")}</th>
              <th scope="col">{t("console.queue.area")}</th>
              <th scope="col">{t("console.queue.waiting")}</th>
              <th scope="col">
                <span class="sr-only">{t("console.queue.action")}</span>
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
                    {item.channel === "public" ? <div class="hint">{t("console.queue.publicCall")}</div> : null}
                  </td>
                  <td>{item.area ?? t("console.queue.forceWide")}</td>
                  <td>
                    <span aria-hidden="true">{formatWaiting(waited)}</span>
                    <span class="sr-only">{spokenWaiting(waited)}</span>
                  </td>
                  <td>
                    {props.canClaim ? (
                      <button type="button" class="primary" disabled={claiming !== null} aria-label={t("console.queue.claimLabel", { title })} onClick={() => void claim(item)}>
                        {claiming === item.session_id ? t("console.queue.claiming") : t("console.queue.claim")}
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
  const { session, choosing, reason, shoulder, problem, error, pollError, busy, showAudit, videoSeen, attendanceBusy, attendanceError } = ws;
  const attendance = attendanceView(ws);
  const attendanceStatus = useRef<HTMLDivElement>(null);
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
      // Past the decision too, until a uniformed officer is sent: she may ask for one after it.
      done: (next) => !stillFollowing(next),
    });
    return () => stopPolling.current();
  }, [api, claim.session_id]);

  const decide = async (outcome: Outcome) => {
    const planned = submission(ws, outcome, needsShoulder);
    dispatch({ type: "submit", submission: planned });
    if (!planned.body) return;
    try {
      const decidedSession = await api.request<Session>(`/sessions/${encodeURIComponent(claim.session_id)}/outcome`, { method: "POST", body: planned.body });
      if (!stillFollowing(decidedSession)) stopPolling.current();
      dispatch({ type: "decided", session: decidedSession });
    } catch (err) {
      dispatch({ type: "refused", error: refusal(err) });
    }
  };

  const sendAttendance = async () => {
    dispatch({ type: "send_attendance" });
    try {
      const answer = await api.request<Session>(`/sessions/${encodeURIComponent(claim.session_id)}/attendance/sent`, { method: "POST" });
      dispatch({ type: "attendance_sent", session: answer });
      // The button is gone: the focus goes to what it said, not to the page's body.
      attendanceStatus.current?.focus();
    } catch (err) {
      dispatch({ type: "attendance_refused", error: attendanceRefusal(err) });
    }
  };

  const who = card ? `${card.rank} ${card.shoulder_number} ${card.display_name}` : t("console.ws.public");
  const fromPublic = claim.channel === "public";
  const remoteLabel = fromPublic ? t("console.ws.public") : t("console.ws.officer");
  return (
    <section aria-labelledby="ws-heading">
      <h1 id="ws-heading" ref={heading} tabIndex={-1}>
        {t("console.ws.heading", { who })}
      </h1>
      <ErrorMessage error={pollError} />
      <p>
        <strong>{t("console.ws.state")} </strong>
        <span class={`state state-${state}`}>{STATE_LABEL[state]}</span>
        {session?.reference ? (
          <>
            {" · "}
            {t("console.ws.reference")} <span class="reference">{session.reference}</span>
          </>
        ) : null}
      </p>
      {state === "dropped" ? (
        <p class="error" role="alert">
          {t("console.ws.dropped")}
        </p>
      ) : null}
      {state === "cancelled" ? (
        <p class="error" role="alert">
          {t("console.ws.cancelled")}
        </p>
      ) : null}
      {/* Always there, so that her request is read out when it comes, and "sent" when said. */}
      <div role="status" ref={attendanceStatus} tabIndex={-1} class={attendance ? "attendance" : undefined}>
        {attendance ? (
          <>
            <p class="attendance-asked">{attendance.asked}</p>
            {attendance.sent ? <p class="attendance-sent">{attendance.sent}</p> : null}
          </>
        ) : null}
      </div>
      {attendance?.canSend ? (
        <p>
          <button type="button" class="primary" disabled={attendanceBusy} onClick={() => void sendAttendance()}>
            {attendanceBusy ? t("console.ws.attendance.sending") : t("console.ws.attendance.send")}
          </button>
        </p>
      ) : null}
      <ErrorMessage error={attendanceError} />
      <div class="workspace">
        <div>
          {card ? <IdentityCardView card={card} heading={t("console.ws.card")} /> : null}
          {claim.named_officer ? (
            <p class={claim.named_officer.found ? "hint" : "error"}>
              {t("console.ws.named", { shoulder: claim.named_officer.shoulder_number ?? "", message: claim.named_officer.message ?? "" })}
            </p>
          ) : null}
          {!decided ? (
            <section class="decision panel" aria-labelledby="decide">
              <h2 id="decide">{t("console.ws.decide")}</h2>
              <p class="hint">{t("console.ws.compare")}</p>
              {needsShoulder ? (
                <>
                  <label for="shoulder">{t("console.ws.shoulder")}</label>
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
                  <label for="reason">{t("console.ws.reason")}</label>
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
                <label for="without-video">{t("console.ws.withoutVideo")}</label>
              </div>
              <p class="hint" id="without-video-hint">
                {videoSeen
                  ? t(fromPublic ? "console.ws.videoSeen.public" : "console.ws.videoSeen.officer")
                  : t(fromPublic ? "console.ws.videoUnseen.public" : "console.ws.videoUnseen.officer")}
              </p>
              <ErrorMessage error={error} />
              <div class="buttons">
                <button type="button" class="good" disabled={busy || blocked !== null} aria-describedby={blocked ? "blocked" : undefined} onClick={() => void decide("verified")}>
                  <span aria-hidden="true">✔ </span>
                  {t("console.ws.verified")}
                </button>
                {choosing === "not_verified" ? (
                  <button type="button" class="danger" disabled={busy} onClick={() => void decide("not_verified")}>
                    <span aria-hidden="true">✖ </span>
                    {t("console.ws.confirmNot")}
                  </button>
                ) : (
                  <button type="button" class="danger" disabled={busy} onClick={() => dispatch({ type: "choose", outcome: "not_verified" })}>
                    <span aria-hidden="true">✖ </span>
                    {t("console.ws.notVerified")}
                  </button>
                )}
              </div>
            </section>
          ) : (
            <section class="panel" aria-labelledby="done">
              <h2 id="done">{STATE_LABEL[state]}</h2>
              {session?.outcome_reason ? <p>{t("console.ws.doneReason", { reason: session.outcome_reason })}</p> : null}
              {session?.decided_without_video ? <p>{t("console.ws.doneWithoutVideo")}</p> : null}
              <p>{t("console.ws.doneHer")}</p>
            </section>
          )}
          <p class="controls">
            <button type="button" aria-expanded={showAudit} onClick={() => dispatch({ type: "toggle_audit" })}>
              {showAudit ? t("console.ws.hideAudit") : t("console.ws.audit")}
            </button>
            {decided ? (
              // Only after an ending: leaving before a decision would strand her and the officer.
              <button type="button" class="primary" onClick={props.onDone}>
                {t("console.ws.back")}
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
              purpose={t(fromPublic ? "console.ws.purpose.public" : "console.ws.purpose.officer")}
              onRemoteVideoSeen={() => dispatch({ type: "video_seen" })}
            />
          ) : null}
          {!decided && !claim.meeting ? <p class="warning">{t("console.ws.noVideo")}</p> : null}
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
    (error) => render(<CannotStart title={t("console.title")} error={error} />, root),
  );
}
