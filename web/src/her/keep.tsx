/**
 * At the end of a stop or of her own call: her record is kept with a key made on her phone, and
 * the key is shown to her once (docs/web.md, "Her record").
 */
import { useEffect, useRef, useState } from "preact/hooks";

import { ApiError } from "../shared/api";
import { useT } from "../shared/i18n";
import { ErrorMessage } from "../shared/ui";
import { acknowledged, browserStorage, groupKey, keepOnPhone, keepProblem, pendingKey } from "./recordkey";

/** Wait this long before sending again: the stop has not ended yet, or the signal dropped. */
function retryDelay(error: unknown): number | null {
  if (!(error instanceof ApiError)) return null;
  if (error.code === "stop_not_ended" || error.isOutage) return 3000;
  if (error.status === 429) return (error.retryAfter ?? 60) * 1000;
  return null;
}

/**
 * At the end of a stop or of her own call: her record is kept with a key her phone makes, sent
 * until the server acknowledges it (always the same key), then shown to her once.
 */
export function KeepRecord(props: { scope: string; reference: string; keep: (key: string) => Promise<unknown> }) {
  const tr = useT();
  const { t } = tr;
  const { scope } = props;
  const [key] = useState(() => pendingKey(browserStorage("sessionStorage"), scope));
  const [phase, setPhase] = useState<"sending" | "waiting" | "kept" | "failed">("sending");
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const [onPhone, setOnPhone] = useState(false);
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  const send = useRef(props.keep);
  send.current = props.keep;

  useEffect(() => {
    let gone = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    send.current(key).then(
      () => {
        if (gone) return;
        acknowledged(browserStorage("sessionStorage"), scope);
        setError(null);
        setPhase("kept");
      },
      (err: unknown) => {
        if (gone) return;
        const delay = retryDelay(err);
        const notYet = err instanceof ApiError && err.code === "stop_not_ended";
        setError(notYet ? null : err);
        setPhase(notYet ? "waiting" : "failed");
        // The same key again: the server answers a repeat as it answered the first.
        if (delay !== null) timer = setTimeout(() => setAttempt((n) => n + 1), delay);
      },
    );
    return () => {
      gone = true;
      clearTimeout(timer);
    };
  }, [key, scope, attempt]);

  const grouped = groupKey(key);
  const copy = () => {
    // No clipboard (an old browser, a page not on https): she is told to write it down.
    const written = navigator.clipboard?.writeText(`${props.reference} ${grouped}`) ?? Promise.reject(new Error("no clipboard"));
    written.then(
      () => setCopied("yes"),
      () => setCopied("no"),
    );
  };
  const choose = (event: Event) => {
    const keep = (event.currentTarget as HTMLInputElement).checked;
    if (keepOnPhone(browserStorage("localStorage"), { reference: props.reference, key }, keep)) setOnPhone(keep);
  };

  return (
    <section class="panel" aria-labelledby="keep-heading">
      <h2 id="keep-heading">{t("keep.heading")}</h2>
      {/* One live region for every phase, so a screen reader hears the key has come. */}
      <p role="status">
        {phase === "kept" ? t("keep.text") : phase === "waiting" ? t("keep.waiting") : phase === "sending" ? t("keep.making") : ""}
      </p>
      {phase === "kept" ? (
        <>
          <dl class="facts">
            <dt>{t("record.reference")}</dt>
            <dd>
              <bdi class="reference">{props.reference}</bdi>
            </dd>
            <dt>{t("record.key")}</dt>
            <dd>
              <bdi class="record-key" id="record-key">
                {grouped}
              </bdi>
            </dd>
          </dl>
          <p>
            <strong>{t("keep.warning")}</strong>
          </p>
          <p>
            <button type="button" onClick={copy}>
              {t("keep.copy")}
            </button>
          </p>
          <p role="status">{copied === "yes" ? t("keep.copied") : copied === "no" ? t("keep.copyFailed") : ""}</p>
          <div class="check">
            <input type="checkbox" id="keep-on-phone" checked={onPhone} onChange={choose} aria-describedby="keep-on-phone-hint" />
            <label for="keep-on-phone">{t("keep.onPhone")}</label>
          </div>
          <p class="hint" id="keep-on-phone-hint">
            {t("keep.onPhoneHint")}
          </p>
        </>
      ) : (
        <>
          {error ? <ErrorMessage error={new Error(keepProblem(error, tr))} /> : null}
          {phase === "failed" && retryDelay(error) === null && !(error instanceof ApiError && error.code === "record_key_taken") ? (
            <button
              type="button"
              onClick={() => {
                setPhase("sending");
                setAttempt((n) => n + 1);
              }}
            >
              {t("keep.retry")}
            </button>
          ) : null}
        </>
      )}
    </section>
  );
}

