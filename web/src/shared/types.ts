/**
 * The API's shapes, under the names the pages use. Each is the server's pydantic model,
 * generated into `api.generated.ts` (`make types`, docs/web.md); nothing here restates a field.
 *
 * Where a model declares a plain `str` for a session state or a channel, `Narrow` gives the page
 * the generated union for it (a no-op once the model itself says `SessionState`); the compiler
 * checks that every narrowed field exists on the model with a wider type. Chime's meeting and
 * attendee are Chime's own objects, which the API passes through untouched.
 */
import type * as Api from "./api.generated";
import type { Channel, SessionState } from "./api.generated";

export type {
  CardWarning as Warning,
  Channel,
  DutyView as Duty,
  ErrorDetail,
  ErrorResponse,
  IdentityCard,
  NamedOfficer,
  OutcomeRequest,
  SessionState,
  StartRequest,
} from "./api.generated";

export type ChimeMeeting = Record<string, unknown> & { MeetingId: string };
export type ChimeAttendee = Record<string, unknown> & { AttendeeId: string; JoinToken: string };

/** `T` with the fields of `F` given narrower types; a field `T` lacks, or a wider type, is an error. */
type Narrow<T, F extends { [K in keyof F]: K extends keyof T ? T[K] : never }> = Omit<T, keyof F> & F;

type SessionFields = { state: SessionState; channel: Channel; meeting: ChimeMeeting | null };

/** `POST /sessions`: the new session and the officer's own attendee. */
export type StartedSession = Narrow<Api.StartedSession, SessionFields & { attendee: ChimeAttendee }>;

/** `GET /sessions/{id}` (and cancel, outcome); the officer app keeps the attendee it started with. */
export type Session = Narrow<Api.SessionView, SessionFields> & Partial<Pick<StartedSession, "attendee">>;

export type QueueItem = Narrow<Api.QueueItem, { state: SessionState; channel: Channel }>;

/** `GET /queue`: what the server decided this caller sees. */
export type Queue = Narrow<Api.QueueView, { sessions: QueueItem[] }>;

/** `POST /sessions/{id}/claim`. */
export type Claim = Narrow<Api.ClaimResponse, SessionFields & { attendee: ChimeAttendee }>;

export type AuditEntry = Narrow<Api.AuditView, { from_state: SessionState | null; to_state: SessionState }>;
export type AuditTrail = Narrow<Api.AuditTrail, { entries: AuditEntry[] }>;

/** `GET /officers/lookup`. */
export type Lookup = Narrow<Api.LookupView, { live_session: Narrow<Api.LiveSession, { state: SessionState }> | null }>;

/** Her view of a check: `GET /verify/{code}`, her own call's status, asking for attendance. */
export type PublicView = Narrow<Api.PublicView, { state: SessionState }>;
export type DecidedBy = Api.DecidedBy;

/** `POST /public/calls`. */
export type PublicCall = Narrow<Api.CallStarted, { state: SessionState; meeting: ChimeMeeting | null; attendee: ChimeAttendee }>;
