/**
 * What the officer app's status panel says in each session state, in the officer catalogue's
 * words. Pure, so the decisions (when to urge 999, when to stop following) are unit-tested.
 */
import { isFinal, type Status } from "../shared/states";
import type { SessionState } from "../shared/types";
import { t } from "./messages";

/** The officer app's status for a session state. `failed` is set when the service could not be reached. */
export function officerStatus(
  state: SessionState | null,
  options: { failed?: boolean; reason?: string | null; advice?: string | null } = {},
): Status {
  const status = officerWords(state, options);
  return options.advice && status.urge999 && !options.failed ? { ...status, detail: options.advice } : status;
}

function officerWords(state: SessionState | null, options: { failed?: boolean; reason?: string | null }): Status {
  if (options.failed) {
    return {
      tone: "bad",
      headline: t("officer.status.failed"),
      detail: t("officer.status.call999"),
      urge999: true,
      live: state !== null && !isFinal(state),
    };
  }
  switch (state) {
    case null:
      return { tone: "ended", headline: t("officer.status.ready"), detail: "", urge999: false, live: false };
    case "requested":
      return {
        tone: "waiting",
        headline: t("officer.status.requested"),
        detail: t("officer.status.requested.detail"),
        urge999: false,
        live: true,
      };
    case "escalated":
      return {
        tone: "waiting",
        headline: t("officer.status.escalated"),
        detail: t("officer.status.escalated.detail"),
        urge999: false,
        live: true,
      };
    case "claimed":
      return {
        tone: "active",
        headline: t("officer.status.claimed"),
        detail: t("officer.status.claimed.detail"),
        urge999: false,
        live: true,
      };
    case "verified":
      return {
        tone: "good",
        headline: t("officer.status.verified"),
        detail: t("officer.status.verified.detail"),
        urge999: false,
        live: false,
      };
    case "not_verified":
      return {
        tone: "bad",
        headline: t("officer.status.notVerified"),
        detail: options.reason
          ? t("officer.status.notVerified.reason", { reason: options.reason })
          : t("officer.status.notVerified.detail"),
        urge999: false,
        live: false,
      };
    case "cancelled":
      return {
        tone: "ended",
        headline: t("officer.status.cancelled"),
        detail: t("officer.status.cancelled.detail"),
        urge999: false,
        live: false,
      };
    case "expired":
      return {
        tone: "bad",
        headline: t("officer.status.expired"),
        detail: t("officer.status.call999"),
        urge999: true,
        live: false,
      };
    case "dropped":
      return {
        tone: "bad",
        headline: t("officer.status.dropped"),
        detail: t("officer.status.dropped.detail"),
        urge999: true,
        live: false,
      };
  }
}
