/** Beside the code: the sentence to show her in her language. After the stop: her record's status. */
import { useEffect, useRef, useState } from "preact/hooks";

import type { ApiClient } from "../shared/api";
import { ENGLISH, loadCatalogue, translator, type Lang, type Translator } from "../shared/i18n";
import { ErrorMessage } from "../shared/ui";
import { followRecord, languageChoices, recordWords, sayToHer, type RecordStatus } from "./after";
import { t } from "./messages";

/**
 * "Her language": the officer taps the language she reads and shows her the one sentence in it,
 * then the address and the code. Nothing is chosen at first; a language other than English is
 * fetched as her page fetches it (its own chunk), only when tapped.
 */
export function SayToHer(props: { address: string; code: string }) {
  const [chosen, setChosen] = useState<Lang | null>(null);
  const [words, setWords] = useState<Translator | null>(null);
  const [failed, setFailed] = useState(false);
  // Only the latest tap counts: a slow chunk for an earlier tap must not replace it.
  const latest = useRef(0);

  const choose = (lang: Lang) => {
    const ticket = ++latest.current;
    setChosen(lang);
    setFailed(false);
    setWords(lang === "en" ? ENGLISH : null);
    if (lang === "en") return;
    loadCatalogue(lang).then(
      (catalogue) => {
        if (latest.current === ticket) setWords(translator(lang, catalogue));
      },
      () => {
        if (latest.current === ticket) setFailed(true);
      },
    );
  };

  const say = words ? sayToHer(words, props.address, props.code) : null;
  return (
    <section class="say" aria-labelledby="say-heading">
      <h3 id="say-heading">{t("officer.say.heading")}</h3>
      <p class="hint">{t("officer.say.hint")}</p>
      <ul class="say-languages" aria-labelledby="say-heading">
        {languageChoices().map((choice) => (
          <li key={choice.lang}>
            <button
              type="button"
              lang={choice.lang === "en" ? "en-GB" : choice.lang}
              dir={choice.dir}
              aria-pressed={chosen === choice.lang ? "true" : "false"}
              onClick={() => choose(choice.lang)}
            >
              {choice.name}
            </button>
          </li>
        ))}
      </ul>
      <div aria-live="polite">
        {chosen && !say && !failed ? <p>{t("officer.say.loading")}</p> : null}
        {failed ? <p class="error">{t("officer.say.failed")}</p> : null}
        {say ? (
          <p class="say-sentence" lang={say.lang} dir={say.dir}>
            {say.sentence}{" "}
            <bdi dir="ltr" class="say-address">
              {say.address}
            </bdi>{" "}
            <bdi dir="ltr" class="say-code">
              {say.code}
            </bdi>
          </p>
        ) : null}
      </div>
    </section>
  );
}

/**
 * After the stop: whether she kept her record and whether she left feedback (never what she
 * wrote). Asked when the ended stop is shown, again a few times minutes apart, and on *Check again*.
 */
export function AfterTheStop(props: { api: ApiClient; sessionId: string }) {
  const { api, sessionId } = props;
  const [status, setStatus] = useState<RecordStatus | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(true);
  const [checkedAt, setCheckedAt] = useState<string | null>(null);
  const follow = useRef<{ stop: () => void; again: () => void } | null>(null);

  useEffect(() => {
    const following = followRecord(
      () => {
        setBusy(true);
        return api.request<RecordStatus>(`/sessions/${encodeURIComponent(sessionId)}/record`);
      },
      {
        onValue: (next) => {
          setStatus(next);
          setError(null);
          setBusy(false);
          setCheckedAt(new Date().toISOString());
        },
        onError: (err) => {
          setError(err);
          setBusy(false);
        },
      },
    );
    follow.current = following;
    return following.stop;
  }, [api, sessionId]);

  const words = status ? recordWords(status) : null;
  return (
    <section class="panel after" aria-labelledby="after-heading">
      <h2 id="after-heading">{t("officer.after.heading")}</h2>
      {words ? (
        <dl class="facts">
          <dt>{t("officer.after.record")}</dt>
          <dd data-record={status?.record_kept ? "kept" : "not-kept"}>{t(words.record)}</dd>
          <dt>{t("officer.after.feedback")}</dt>
          <dd data-feedback={status?.feedback_left ? "left" : "none"}>{t(words.feedback)}</dd>
        </dl>
      ) : null}
      <p class="hint">{t("officer.after.private")}</p>
      <ErrorMessage error={error} />
      <p role="status">
        {busy ? t("officer.after.checking") : checkedAt ? t("officer.after.checkedAt", { time: ENGLISH.time(checkedAt) }) : ""}
      </p>
      <button type="button" disabled={busy} onClick={() => follow.current?.again()}>
        {t("officer.after.checkAgain")}
      </button>
    </section>
  );
}
