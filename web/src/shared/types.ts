/** The API's shapes that the pages use (docs/api.md). Chime objects are passed through untouched. */

export type SessionState =
  | "requested"
  | "escalated"
  | "claimed"
  | "verified"
  | "not_verified"
  | "cancelled"
  | "expired"
  | "dropped";

export type ChimeMeeting = Record<string, unknown> & { MeetingId: string };
export type ChimeAttendee = Record<string, unknown> & { AttendeeId: string; JoinToken: string };

export interface Session {
  session_id: string;
  state: SessionState;
  channel: "officer" | "public";
  force: string;
  area: string | null;
  officer_id?: string | null;
  public_code?: string | null;
  reference: string;
  created_at: string;
  updated_at: string;
  escalation_level: number;
  meeting?: ChimeMeeting | null;
  attendee?: ChimeAttendee | null;
  claimed_by?: string | null;
  decided_by?: string | null;
  decided_at?: string | null;
  outcome_reason?: string | null;
  /** Plain words for the officer when the system could not finish the job (expired, dropped). */
  advice?: string | null;
}

export interface Warning {
  code: string;
  message: string;
}

export interface IdentityCard {
  display_name: string;
  rank: string;
  shoulder_number: string;
  force: string;
  area: string;
  status: string;
  on_duty: boolean;
  photo_url: string | null;
  warnings: Warning[];
}

export interface QueueItem {
  session_id: string;
  state: SessionState;
  channel: "officer" | "public";
  force: string;
  area: string | null;
  rank: string | null;
  shoulder_number: string | null;
  display_name: string | null;
  created_at: string;
  waiting_seconds: number;
  escalation_level: number;
}

export interface NamedOfficer {
  shoulder_number: string;
  found: boolean;
  message: string;
}

export interface Claim {
  session_id: string;
  state: SessionState;
  meeting: ChimeMeeting;
  attendee: ChimeAttendee;
  officer?: IdentityCard | null;
  named_officer?: NamedOfficer | null;
}

export interface PublicView {
  state: SessionState;
  reference: string;
  message: string;
  officer: {
    display_name: string;
    rank: string;
    shoulder_number: string;
    force: string;
    photo_url: string | null;
  } | null;
  decision: {
    outcome: "verified" | "not_verified";
    decided_at: string;
    decided_by: { rank: string; shoulder_number: string } | null;
  } | null;
  attendance_requested_at: string | null;
  updated_at: string;
}

export interface PublicCall {
  call_id: string;
  reference: string;
  poll_token: string;
  state: SessionState;
  meeting: ChimeMeeting;
  attendee: ChimeAttendee;
}

export interface Lookup {
  officer: IdentityCard;
  live_session: { session_id: string; state: SessionState; created_at: string; claimed_by: unknown } | null;
}

export interface AuditEntry {
  seq: string;
  at: string;
  from_state: SessionState | null;
  to_state: SessionState;
  actor: string;
  reason: string | null;
}

export interface AuditTrail {
  session_id: string;
  entries: AuditEntry[];
}
