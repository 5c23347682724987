/** The operator's 999 lookup: an officer by force and shoulder number, and any live check. */
import { useState } from "preact/hooks";

import { type ApiClient, ApiError } from "../shared/api";
import type { AppConfig } from "../shared/config";
import { clockTime } from "../shared/format";
import { STATE_LABEL } from "../shared/states";
import type { Lookup } from "../shared/types";
import { ErrorMessage, IdentityCardView } from "../shared/ui";

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
      setError(new Error("Type the shoulder number the caller gave."));
      return;
    }
    setBusy(true);
    try {
      setResult(await props.api.request<Lookup>(`/officers/lookup?force=${encodeURIComponent(force)}&shoulder=${encodeURIComponent(shoulder)}`));
    } catch (err) {
      setError(err instanceof ApiError && err.status === 404 ? new Error(`No officer ${shoulder} in ${force}. Treat the person as unconfirmed.`) : err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="lookup-heading">
      <h1 id="lookup-heading">999 lookup</h1>
      <p class="lede">A caller asks whether an officer is real: look them up by force and shoulder number.</p>
      <form class="panel" onSubmit={(e) => void submit(e)}>
        <label for="force">Force</label>
        <select id="force" name="force">
          {props.config.forces.map((f) => (
            <option key={f.code} value={f.code}>
              {f.name} ({f.code})
            </option>
          ))}
        </select>
        <label for="shoulder">Shoulder number</label>
        <input id="shoulder" name="shoulder" inputMode="numeric" autoComplete="off" />
        <p>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? "Looking up…" : "Look up"}
          </button>
        </p>
      </form>
      <ErrorMessage error={error} />
      {result ? (
        <>
          <IdentityCardView card={result.officer} heading="Officer on the register" />
          <section class="panel" aria-labelledby="live">
            <h2 id="live">Live verification</h2>
            {result.live_session ? (
              <>
                <p>
                  {STATE_LABEL[result.live_session.state]} since {clockTime(result.live_session.created_at)}
                  {result.live_session.claimed_by ? ", claimed by a sergeant" : ""}.
                </p>
                <button type="button" onClick={() => result.live_session && props.onAudit(result.live_session.session_id)}>
                  Audit trail of this verification
                </button>
              </>
            ) : (
              <p>None right now.</p>
            )}
          </section>
        </>
      ) : null}
    </section>
  );
}
