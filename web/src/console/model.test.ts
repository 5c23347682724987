import { describe, expect, it } from "vitest";

import { ApiError } from "../shared/api";
import { REASON_MAX_LENGTH } from "../shared/api.generated";
import { ENGLISH } from "../shared/i18n";
import type { Session, SessionState } from "../shared/types";
import {
  attendanceRefusal,
  attendanceView,
  heardSession,
  initialWorkspace,
  refusal,
  SHOULDER_MISSING,
  sessionState,
  shoulderInvalid,
  stillFollowing,
  submission,
  withoutVideo,
  workspaceReducer,
  type WorkspaceAction,
  type WorkspaceState,
} from "./model";

const session = (state: SessionState, extra: Partial<Session> = {}): Session => ({
  session_id: "s-1",
  state,
  channel: "officer",
  force: "MET",
  area: "CENTRAL",
  officer_id: "o-1",
  public_code: "ABCD2345",
  reference: "SC-0001",
  created_at: "2026-11-23T10:00:00Z",
  updated_at: "2026-11-23T10:00:00Z",
  escalation_level: 0,
  claimed_by: "sgt-1",
  claimed_at: "2026-11-23T10:00:05Z",
  decided_by: null,
  decided_at: null,
  outcome_reason: null,
  decided_without_video: false,
  location: null,
  note: null,
  meeting: null,
  advice: null,
  attendance_requested_at: null,
  attendance_sent_at: null,
  ...extra,
});

const run = (...actions: WorkspaceAction[]): WorkspaceState => actions.reduce(workspaceReducer, initialWorkspace);

const EMPTY_REASON = "Give a reason: the officer and the audit trail will see it.";

describe("the console's workspace", () => {
  it("starts with nothing heard, nothing typed and nothing chosen", () => {
    expect(initialWorkspace).toEqual({
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
    });
  });

  it("keeps each polled session and clears an earlier poll failure", () => {
    const failed = run({ type: "poll_failed", error: new Error("no signal") });
    expect(failed.pollError).toEqual(new Error("no signal"));
    const heard = workspaceReducer(failed, { type: "polled", session: session("claimed") });
    expect(heard.session?.state).toBe("claimed");
    expect(heard.pollError).toBeNull();
    expect(workspaceReducer(heard, { type: "polled", session: session("dropped") }).session?.state).toBe("dropped");
  });

  it("never lets an older poll answer undo a final state", () => {
    const ended = run({ type: "polled", session: session("verified") }, { type: "poll_failed", error: new Error("x") });
    const late = workspaceReducer(ended, { type: "polled", session: session("claimed") });
    expect(late.session?.state).toBe("verified");
    expect(late.pollError).toBeNull();
  });

  it("remembers a poll failure without forgetting the session", () => {
    const state = run({ type: "polled", session: session("claimed") }, { type: "poll_failed", error: new Error("down") });
    expect(state.session?.state).toBe("claimed");
    expect(state.pollError).toEqual(new Error("down"));
  });

  it("opens the reason box when Not verified is chosen", () => {
    expect(run({ type: "choose", outcome: "not_verified" }).choosing).toBe("not_verified");
  });

  it("keeps the reason and the shoulder number as typed", () => {
    const state = run({ type: "reason", value: "  Face does not match " }, { type: "shoulder", value: " 4521" });
    expect(state.reason).toBe("  Face does not match ");
    expect(state.shoulder).toBe(" 4521");
  });

  it("toggles the audit trail open and closed", () => {
    expect(run({ type: "toggle_audit" }).showAudit).toBe(true);
    expect(run({ type: "toggle_audit" }, { type: "toggle_audit" }).showAudit).toBe(false);
  });

  it("ticks 'decided without video' until the other side's video is seen", () => {
    expect(withoutVideo(initialWorkspace)).toBe(true);
    const seen = run({ type: "video_seen" });
    expect(seen.videoSeen).toBe(true);
    expect(withoutVideo(seen)).toBe(false);
  });

  it("keeps the sergeant's own choice about 'without video', whatever is seen after", () => {
    const unticked = run({ type: "without_video", checked: false });
    expect(withoutVideo(unticked)).toBe(false);
    const ticked = run({ type: "video_seen" }, { type: "without_video", checked: true }, { type: "video_seen" });
    expect(ticked.withoutVideoChoice).toBe(true);
    expect(withoutVideo(ticked)).toBe(true);
  });

  it("shows the claim's state until the session is heard", () => {
    expect(sessionState(initialWorkspace, "claimed")).toBe("claimed");
    expect(sessionState(run({ type: "polled", session: session("cancelled") }), "claimed")).toBe("cancelled");
  });

  it("marks the shoulder number invalid only while a problem is shown and it is empty", () => {
    expect(shoulderInvalid(initialWorkspace)).toBe(false);
    const missing = run({ type: "submit", submission: { problem: SHOULDER_MISSING } });
    expect(shoulderInvalid(missing)).toBe(true);
    expect(shoulderInvalid(workspaceReducer(missing, { type: "shoulder", value: "   " }))).toBe(true);
    expect(shoulderInvalid(workspaceReducer(missing, { type: "shoulder", value: "4521" }))).toBe(false);
  });
});

describe("what a decision sends", () => {
  it("asks for a reason before Not verified", () => {
    expect(submission(initialWorkspace, "not_verified", false)).toEqual({ problem: EMPTY_REASON });
    expect(submission(run({ type: "reason", value: "   " }), "not_verified", false)).toEqual({ problem: EMPTY_REASON });
  });

  it("refuses a reason longer than the API takes", () => {
    const long = "x".repeat(REASON_MAX_LENGTH + 1);
    expect(submission(run({ type: "reason", value: long }), "not_verified", false)).toEqual({
      problem: `The reason is ${REASON_MAX_LENGTH + 1} characters; at most ${REASON_MAX_LENGTH}.`,
    });
    const longest = ` ${"x".repeat(REASON_MAX_LENGTH)} `;
    expect(submission(run({ type: "reason", value: longest }, { type: "video_seen" }), "not_verified", false)).toEqual({
      body: { outcome: "not_verified", reason: "x".repeat(REASON_MAX_LENGTH) },
    });
  });

  it("sends Not verified with the trimmed reason and no shoulder number", () => {
    const state = run({ type: "reason", value: "  Face does not match  " }, { type: "shoulder", value: "4521" }, { type: "video_seen" });
    expect(submission(state, "not_verified", true)).toEqual({ body: { outcome: "not_verified", reason: "Face does not match" } });
  });

  it("asks for the shoulder number before Verified on her own call", () => {
    expect(submission(initialWorkspace, "verified", true)).toEqual({ problem: SHOULDER_MISSING });
    expect(submission(run({ type: "shoulder", value: "  " }), "verified", true)).toEqual({ problem: SHOULDER_MISSING });
    expect(SHOULDER_MISSING).toBe("Type the shoulder number of the officer you confirmed.");
  });

  it("sends Verified with the trimmed shoulder number when there is no identity card", () => {
    const state = run({ type: "shoulder", value: " 4521 " }, { type: "video_seen" });
    expect(submission(state, "verified", true)).toEqual({ body: { outcome: "verified", shoulder_number: "4521" } });
  });

  it("sends Verified alone when the card came with the claim (no reason, no shoulder number)", () => {
    const state = run({ type: "reason", value: "typed, then changed their mind" }, { type: "shoulder", value: "1" }, { type: "video_seen" });
    expect(submission(state, "verified", false)).toEqual({ body: { outcome: "verified" } });
  });

  it("says when the decision was made without video", () => {
    expect(submission(initialWorkspace, "verified", false)).toEqual({ body: { outcome: "verified", without_video: true } });
    const choseWithout = run({ type: "video_seen" }, { type: "without_video", checked: true }, { type: "reason", value: "no" });
    expect(submission(choseWithout, "not_verified", false)).toEqual({
      body: { outcome: "not_verified", reason: "no", without_video: true },
    });
    expect(submission(run({ type: "without_video", checked: false }), "verified", false)).toEqual({ body: { outcome: "verified" } });
  });

  it("shows a problem, clears an earlier error and stays ready", () => {
    const refused = run({ type: "submit", submission: { body: { outcome: "verified" } } }, { type: "refused", error: new Error("x") });
    const state = workspaceReducer(refused, { type: "submit", submission: { problem: EMPTY_REASON } });
    expect(state.problem).toBe(EMPTY_REASON);
    expect(state.error).toBeNull();
    expect(state.busy).toBe(false);
  });

  it("clears the problem and the error and waits while a decision is sent", () => {
    const before = run({ type: "submit", submission: { problem: EMPTY_REASON } }, { type: "refused", error: new Error("x") });
    const state = workspaceReducer(before, { type: "submit", submission: { body: { outcome: "verified" } } });
    expect(state.problem).toBeNull();
    expect(state.error).toBeNull();
    expect(state.busy).toBe(true);
  });

  it("takes the decision's answer as the session, even over a final one", () => {
    const sent = run({ type: "polled", session: session("dropped") }, { type: "submit", submission: { body: { outcome: "verified" } } });
    const state = workspaceReducer(sent, { type: "decided", session: session("verified", { decided_without_video: true }) });
    expect(state.session?.state).toBe("verified");
    expect(state.session?.decided_without_video).toBe(true);
    expect(state.busy).toBe(false);
  });

  it("shows why a decision was refused and lets it be tried again", () => {
    const sent = run({ type: "submit", submission: { body: { outcome: "verified" } } });
    const state = workspaceReducer(sent, { type: "refused", error: new Error("down") });
    expect(state.error).toEqual(new Error("down"));
    expect(state.busy).toBe(false);
  });

  it("says a conflict in the API's words and passes any other failure on as it is", () => {
    const conflict = refusal(new ApiError(409, "conflict", "This check was already decided."));
    expect(conflict).not.toBeInstanceOf(ApiError);
    expect(conflict).toEqual(new Error("This check was already decided."));
    const outage = new ApiError(503, "http_503", "The service is not answering.");
    expect(refusal(outage)).toBe(outage);
    const other = new TypeError("boom");
    expect(refusal(other)).toBe(other);
  });
});

describe("a uniformed officer for her, in the workspace", () => {
  const ASKED = "2026-11-23T10:03:00Z";
  const SENT = "2026-11-23T10:05:00Z";

  it("says nothing and offers nothing until she asks", () => {
    expect(attendanceView(run({ type: "polled", session: session("claimed") }))).toBeNull();
    expect(attendanceView(initialWorkspace)).toBeNull();
  });

  it("says when she asked and offers the button, then says when one was sent", () => {
    const asked = run({ type: "polled", session: session("claimed", { attendance_requested_at: ASKED }) });
    expect(attendanceView(asked)).toEqual({
      asked: `She has asked for a uniformed officer to come (at ${ENGLISH.time(ASKED)}).`,
      sent: null,
      canSend: true,
    });
    const pressed = workspaceReducer(asked, { type: "send_attendance" });
    expect(pressed.attendanceBusy).toBe(true);
    const sent = workspaceReducer(pressed, { type: "attendance_sent", session: session("claimed", { attendance_requested_at: ASKED, attendance_sent_at: SENT }) });
    expect(sent.attendanceBusy).toBe(false);
    expect(attendanceView(sent)).toEqual({
      asked: `She has asked for a uniformed officer to come (at ${ENGLISH.time(ASKED)}).`,
      sent: `Uniformed officer sent at ${ENGLISH.time(SENT)}.`,
      canSend: false,
    });
  });

  it("hears her request after the decision, and keeps the decision", () => {
    const decided = run(
      { type: "submit", submission: { body: { outcome: "not_verified", reason: "No match" } } },
      { type: "decided", session: session("not_verified") },
    );
    const late = workspaceReducer(decided, { type: "polled", session: session("not_verified", { attendance_requested_at: ASKED }) });
    expect(late.session?.state).toBe("not_verified");
    expect(attendanceView(late)?.canSend).toBe(true);
  });

  it("never lets an older answer forget her request or the 'sent', nor undo the decision", () => {
    const held = session("verified", { attendance_requested_at: ASKED, attendance_sent_at: SENT });
    const older = session("claimed");
    expect(heardSession(held, older)).toMatchObject({ state: "verified", attendance_requested_at: ASKED, attendance_sent_at: SENT });
    const state = run({ type: "attendance_sent", session: held }, { type: "polled", session: session("verified", { attendance_requested_at: ASKED }) });
    expect(state.session?.attendance_sent_at).toBe(SENT);
    // A decision's answer that crossed her request keeps the request.
    const crossed = run({ type: "polled", session: session("claimed", { attendance_requested_at: ASKED }) }, { type: "decided", session: session("verified") });
    expect(crossed.session).toMatchObject({ state: "verified", attendance_requested_at: ASKED });
  });

  it("follows the session past its ending until a uniformed officer is sent", () => {
    expect(stillFollowing(session("claimed"))).toBe(true);
    expect(stillFollowing(session("claimed", { attendance_requested_at: ASKED, attendance_sent_at: SENT }))).toBe(true);
    expect(stillFollowing(session("verified"))).toBe(true);
    expect(stillFollowing(session("dropped", { attendance_requested_at: ASKED }))).toBe(true);
    expect(stillFollowing(session("not_verified", { attendance_requested_at: ASKED, attendance_sent_at: SENT }))).toBe(false);
  });

  it("says a refusal (not asked, not yours to say) in the API's words and keeps the button", () => {
    const notAsked = new ApiError(409, "attendance_not_requested", "She has not asked for a uniformed officer.");
    const own = new ApiError(403, "forbidden", "You cannot say that help was sent to your own stop.");
    expect(attendanceRefusal(notAsked)).toEqual(new Error("She has not asked for a uniformed officer."));
    expect(attendanceRefusal(own)).toEqual(new Error("You cannot say that help was sent to your own stop."));
    const outage = new ApiError(503, "http_503", "The service is not answering.");
    expect(attendanceRefusal(outage)).toBe(outage);
    const asked = run({ type: "polled", session: session("claimed", { attendance_requested_at: ASKED }) }, { type: "send_attendance" });
    const refused = workspaceReducer(asked, { type: "attendance_refused", error: attendanceRefusal(own) });
    expect(refused.attendanceError).toEqual(new Error("You cannot say that help was sent to your own stop."));
    expect(refused.attendanceBusy).toBe(false);
    expect(attendanceView(refused)?.canSend).toBe(true);
    expect(workspaceReducer(refused, { type: "send_attendance" }).attendanceError).toBeNull();
  });
});
