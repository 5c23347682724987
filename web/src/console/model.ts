/** The console's decisions: the claim workspace's state, what changes it, and what a decision sends. */
import { ApiError } from "../shared/api";
import { clockTime } from "../shared/format";
import { isFinal } from "../shared/states";
import type { OutcomeRequest, Session, SessionState } from "../shared/types";
import { t } from "./messages";
import { reasonProblem } from "./words";

export type Outcome = OutcomeRequest["outcome"];

/** Said when Verified is pressed on a public call without the confirmed officer's shoulder number. */
export const SHOULDER_MISSING = t("console.decision.shoulderMissing");

/** Everything the workspace of one claimed check keeps between renders. */
export interface WorkspaceState {
  /** The session as last heard (polled, or the decision's answer); null until the first answer. */
  session: Session | null;
  /** "not_verified" once the sergeant pressed *Not verified…* and the reason box is shown. */
  choosing: Outcome | null;
  reason: string;
  shoulder: string;
  /** What is wrong with the form (reason or shoulder number), said under the fields. */
  problem: string | null;
  /** Why the decision was not recorded. */
  error: unknown;
  /** Why following the session failed (the poll goes on). */
  pollError: unknown;
  /** A decision is being sent. */
  busy: boolean;
  showAudit: boolean;
  /** The other side's video has been shown in this check. */
  videoSeen: boolean;
  /** The sergeant's own tick or untick of "Decided without video"; null until they touch it. */
  withoutVideoChoice: boolean | null;
  /** "Uniformed officer sent" is being said to the server. */
  attendanceBusy: boolean;
  /** Why "Uniformed officer sent" was not recorded. */
  attendanceError: unknown;
}

export const initialWorkspace: WorkspaceState = {
  session: null,
  choosing: null,
  reason: "",
  shoulder: "",
  problem: null,
  error: null,
  pollError: null,
  busy: false,
  showAudit: false,
  videoSeen: false,
  withoutVideoChoice: null,
  attendanceBusy: false,
  attendanceError: null,
};

/** What a decision does when pressed: a problem to show, or the body to send. */
export type Submission = { problem: string; body?: undefined } | { problem?: undefined; body: OutcomeRequest };

export type WorkspaceAction =
  | { type: "polled"; session: Session }
  | { type: "poll_failed"; error: unknown }
  | { type: "choose"; outcome: Outcome }
  | { type: "reason"; value: string }
  | { type: "shoulder"; value: string }
  | { type: "without_video"; checked: boolean }
  | { type: "video_seen" }
  | { type: "toggle_audit" }
  /** A decision was pressed: `submission` is what `submission()` made of the form then. */
  | { type: "submit"; submission: Submission }
  | { type: "decided"; session: Session }
  | { type: "refused"; error: unknown }
  /** "Uniformed officer sent" was pressed; then the server's answer, or why it refused. */
  | { type: "send_attendance" }
  | { type: "attendance_sent"; session: Session }
  | { type: "attendance_refused"; error: unknown };

/**
 * The session as heard now, from what was held and what was just heard. A final state, once seen,
 * stays: an older answer still in flight must not undo a decision. Her request for a uniformed
 * officer and the control room's "sent" are each written once and never cleared, so a time either
 * answer carries is kept, whichever answer came last.
 */
export function heardSession(held: Session | null, heard: Session): Session {
  if (!held) return heard;
  const base = isFinal(held.state) && !isFinal(heard.state) ? held : heard;
  return {
    ...base,
    attendance_requested_at: heard.attendance_requested_at ?? held.attendance_requested_at,
    attendance_sent_at: heard.attendance_sent_at ?? held.attendance_sent_at,
  };
}

export function workspaceReducer(state: WorkspaceState, action: WorkspaceAction): WorkspaceState {
  switch (action.type) {
    case "polled":
      // A final state, once seen, stays: an older answer still in flight must not undo a decision.
      return { ...state, session: heardSession(state.session, action.session), pollError: null };
    case "poll_failed":
      return { ...state, pollError: action.error };
    case "choose":
      return { ...state, choosing: action.outcome };
    case "reason":
      return { ...state, reason: action.value };
    case "shoulder":
      return { ...state, shoulder: action.value };
    case "without_video":
      return { ...state, withoutVideoChoice: action.checked };
    case "video_seen":
      return { ...state, videoSeen: true };
    case "toggle_audit":
      return { ...state, showAudit: !state.showAudit };
    case "submit":
      return action.submission.body
        ? { ...state, error: null, problem: null, busy: true }
        : { ...state, error: null, problem: action.submission.problem };
    case "decided":
      // The decision's own answer is the session now, whatever a poll said before (but what
      // she asked for, once heard, stays).
      return { ...state, session: heardSession(state.session, action.session), busy: false };
    case "refused":
      return { ...state, error: action.error, busy: false };
    case "send_attendance":
      return { ...state, attendanceBusy: true, attendanceError: null };
    case "attendance_sent":
      return { ...state, session: heardSession(state.session, action.session), attendanceBusy: false };
    case "attendance_refused":
      return { ...state, attendanceError: action.error, attendanceBusy: false };
  }
}

/** "Decided without video": ticked until the other side's video has been seen, unless the sergeant said otherwise. */
export function withoutVideo(state: WorkspaceState): boolean {
  return state.withoutVideoChoice ?? !state.videoSeen;
}

/** The session's state as the workspace knows it: the last answer, else the claim's. */
export function sessionState(state: WorkspaceState, claimed: SessionState): SessionState {
  return state.session?.state ?? claimed;
}

/** The shoulder number field is marked invalid while a problem is shown and it is empty. */
export function shoulderInvalid(state: WorkspaceState): boolean {
  return Boolean(state.problem) && !state.shoulder.trim();
}

/**
 * What pressing a decision does. Not verified needs a reason (at most REASON_MAX_LENGTH
 * characters); Verified needs the confirmed officer's shoulder number when the claim came
 * without an identity card (her own call). The body carries only what the outcome needs.
 */
export function submission(state: WorkspaceState, outcome: Outcome, needsShoulder: boolean): Submission {
  if (outcome === "not_verified") {
    const wrong = reasonProblem(state.reason);
    if (wrong) return { problem: wrong };
  }
  if (outcome === "verified" && needsShoulder && !state.shoulder.trim()) return { problem: SHOULDER_MISSING };
  const body: OutcomeRequest = { outcome };
  if (outcome === "not_verified") body.reason = state.reason.trim();
  if (outcome === "verified" && needsShoulder) body.shoulder_number = state.shoulder.trim();
  if (withoutVideo(state)) body.without_video = true;
  return { body };
}

/** A refused decision: a conflict (someone else decided, the call ended) is said in the API's words. */
export function refusal(error: unknown): unknown {
  return error instanceof ApiError && error.status === 409 ? new Error(error.message) : error;
}

/**
 * Whether the workspace still asks for the session. Until an ending, always; after it, until the
 * control room has said a uniformed officer was sent: she can ask for one after the decision
 * (most of all after "not verified"), and the sergeant who decided must hear it while the check
 * is still on their screen.
 */
export function stillFollowing(session: Session): boolean {
  return !isFinal(session.state) || !session.attendance_sent_at;
}

/** What the workspace says about a uniformed officer: nothing until she asks. */
export interface AttendanceView {
  /** "She has asked for a uniformed officer to come (at 21:04)." */
  asked: string;
  /** "Uniformed officer sent at 21:06.", once the control room said so. */
  sent: string | null;
  /** The *Uniformed officer sent* button is shown. */
  canSend: boolean;
}

export function attendanceView(state: WorkspaceState): AttendanceView | null {
  const requested = state.session?.attendance_requested_at;
  const sent = state.session?.attendance_sent_at;
  if (!requested && !sent) return null;
  return {
    asked: t("console.ws.attendance.asked", { time: clockTime(requested ?? sent) }),
    sent: sent ? t("console.ws.attendance.sent", { time: clockTime(sent) }) : null,
    canSend: !sent,
  };
}

/** A refused "sent" (409 she has not asked, 403 not this control room's or one's own stop): the API's words. */
export function attendanceRefusal(error: unknown): unknown {
  return error instanceof ApiError && (error.status === 409 || error.status === 403) ? new Error(error.message) : error;
}
