/** The append-only audit trail of one session, followed while it is written. */
import { useEffect, useState } from "preact/hooks";

import type { ApiClient } from "../shared/api";
import { poll } from "../shared/poll";
import type { AuditTrail } from "../shared/types";
import { ErrorMessage, useFocusOnMount } from "../shared/ui";
import { t } from "./messages";
import { STATE_LABEL } from "./words";

/** The append-only audit trail of one session: a screen of its own (level 1) or a panel (2). */
export function AuditTrailPanel(props: { api: ApiClient; sessionId: string; level: 1 | 2; onClose?: () => void }) {
  const [trail, setTrail] = useState<AuditTrail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const { api, sessionId } = props;
  useEffect(() => {
    // The trail is written from the table's stream a moment after each change: follow it.
    return poll(() => api.request<AuditTrail>(`/sessions/${encodeURIComponent(sessionId)}/audit`), {
      intervalMs: 2000,
      onValue: (next) => {
        setTrail(next);
        setError(null);
      },
      onError: setError,
    });
  }, [api, sessionId]);
  const Heading = props.level === 1 ? "h1" : "h2";
  return (
    <section class={props.level === 2 ? "panel" : ""} aria-labelledby="audit-heading">
      <Heading id="audit-heading" ref={heading} tabIndex={-1}>
        {t("console.audit.heading")}
      </Heading>
      <ErrorMessage error={error} />
      {trail ? (
        <table class="audit">
          <caption class="sr-only">{t("console.audit.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("console.audit.time")}</th>
              <th scope="col">{t("console.audit.from")}</th>
              <th scope="col">{t("console.audit.to")}</th>
              <th scope="col">{t("console.audit.by")}</th>
              <th scope="col">{t("console.audit.reason")}</th>
            </tr>
          </thead>
          <tbody>
            {trail.entries.map((entry) => (
              <tr key={entry.seq}>
                <td>{new Date(entry.at).toLocaleTimeString("en-GB")}</td>
                <td>{entry.from_state ? STATE_LABEL[entry.from_state] : "—"}</td>
                <td>{STATE_LABEL[entry.to_state]}</td>
                <td>{entry.actor}</td>
                <td>
                  {entry.reason ?? ""}
                  {entry.without_video ? <span class="without-video">
                      {entry.reason ? " " : ""}
                      {t("console.audit.withoutVideo")}
                    </span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>{t("console.audit.loading")}</p>
      )}
      {props.onClose ? (
        <p>
          <button type="button" class="primary" onClick={props.onClose}>
            {t("console.audit.back")}
          </button>
        </p>
      ) : null}
    </section>
  );
}
