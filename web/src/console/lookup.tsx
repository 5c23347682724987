/** The operator's 999 lookup: an officer by force and shoulder number, and any live check. */
import { useState } from "preact/hooks";

import { type ApiClient, ApiError } from "../shared/api";
import type { AppConfig } from "../shared/config";
import { clockTime } from "../shared/format";
import type { Lookup } from "../shared/types";
import { ErrorMessage } from "../shared/ui";
import { IdentityCardView } from "./card";
import { t } from "./messages";
import { STATE_LABEL } from "./words";

export function OfficerLookup(props: { api: ApiClient; config: AppConfig; onAudit: (sessionId: string) => void }) {
  const [result, setResult] = useState<Lookup | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const force = String(form.get("force") ?? "");
    const shoulder = String(form.get("shoulder") ?? "").trim();
    setError(null);
    setResult(null);
    if (!shoulder) {
      setError(new Error(t("console.lookup.noShoulder")));
      return;
    }
    setBusy(true);
    try {
      setResult(await props.api.request<Lookup>(`/officers/lookup?force=${encodeURIComponent(force)}&shoulder=${encodeURIComponent(shoulder)}`));
    } catch (err) {
      setError(err instanceof ApiError && err.status === 404 ? new Error(t("console.lookup.notFound", { shoulder, force })) : err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="lookup-heading">
      <h1 id="lookup-heading">{t("console.lookup.heading")}</h1>
      <p class="lede">{t("console.lookup.lede")}</p>
      <form class="panel" onSubmit={(e) => void submit(e)}>
        <label for="force">{t("console.lookup.force")}</label>
        <select id="force" name="force">
          {props.config.forces.map((f) => (
            <option key={f.code} value={f.code}>
              {f.name} ({f.code})
            </option>
          ))}
        </select>
        <label for="shoulder">{t("console.lookup.shoulder")}</label>
        <input id="shoulder" name="shoulder" inputMode="numeric" autoComplete="off" />
        <p>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? t("console.lookup.busy") : t("console.lookup.submit")}
          </button>
        </p>
      </form>
      <ErrorMessage error={error} />
      {result ? (
        <>
          <IdentityCardView card={result.officer} heading={t("console.lookup.card")} />
          <section class="panel" aria-labelledby="live">
            <h2 id="live">{t("console.lookup.live")}</h2>
            {result.live_session ? (
              <>
                <p>
                  {t(result.live_session.claimed_by ? "console.lookup.sinceClaimed" : "console.lookup.since", {
                    state: STATE_LABEL[result.live_session.state],
                    time: clockTime(result.live_session.created_at),
                  })}
                </p>
                <button type="button" onClick={() => result.live_session && props.onAudit(result.live_session.session_id)}>
                  {t("console.lookup.audit")}
                </button>
              </>
            ) : (
              <p>{t("console.lookup.none")}</p>
            )}
          </section>
        </>
      ) : null}
    </section>
  );
}
