/**
 * "Look up my record": her reference and key, her record in her language, and her feedback on
 * the stop with the same key (docs/web.md, "Her record"). Its own chunk, fetched when opened.
 */
import { useRef, useState } from "preact/hooks";

import type { ApiClient } from "../shared/api";
import type { LeaveFeedback } from "../shared/api.generated";
import type { AppConfig } from "../shared/config";
import { useT } from "../shared/i18n";
import { ErrorMessage, useFocusOnMount } from "../shared/ui";
import {
  FEEDBACK_CONTACT_MAX,
  FEEDBACK_TEXT_MAX,
  normaliseReference,
  recordFacts,
  recordProblem,
  refusedField,
  type HerRecord,
  type Verdict,
} from "./record";
import { CodeField } from "./field";
import { browserStorage, groupKey, keptRecord, normaliseKey, RECORD_KEY_LENGTH } from "./recordkey";

const REFERENCE_EXAMPLE = "SC-260901-7K3P9";

/** "Look up my record": her reference and key (kept on the phone if she chose), then her record. */
export function RecordLookup(props: { api: ApiClient; config: AppConfig }) {
  const tr = useT();
  const { t } = tr;
  const [kept] = useState(() => keptRecord(browserStorage("localStorage")));
  const [reference, setReference] = useState(kept?.reference ?? "");
  const [key, setKey] = useState(kept ? groupKey(kept.key) : "");
  // Which fields were wrong, kept as flags so the words follow a language chosen afterwards.
  const [wrong, setWrong] = useState({ reference: false, key: false });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [found, setFound] = useState<{ key: string; record: HerRecord } | null>(null);
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const referenceInput = useRef<HTMLInputElement>(null);
  const keyInput = useRef<HTMLInputElement>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    const canonicalReference = normaliseReference(reference);
    const canonicalKey = normaliseKey(key);
    setWrong({ reference: !canonicalReference, key: !canonicalKey });
    setError(null);
    if (!canonicalReference || !canonicalKey) {
      (canonicalReference ? keyInput : referenceInput).current?.focus();
      return;
    }
    setBusy(true);
    try {
      // The key goes in a header, never in the URL: no log, history or referrer holds it.
      const record = await props.api.request<HerRecord>(`/records/${encodeURIComponent(canonicalReference)}`, {
        headers: { "X-Record-Key": canonicalKey },
      });
      setFound({ key: canonicalKey, record });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (found) {
    return (
      <RecordShown
        api={props.api}
        config={props.config}
        recordKey={found.key}
        record={found.record}
        onRecord={(record) => setFound({ key: found.key, record })}
      />
    );
  }
  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        {t("record.heading")}
      </h1>
      <p class="lede">{t("record.lede")}</p>
      <form class="panel" onSubmit={(e) => void submit(e)} noValidate>
        <CodeField
          id="record-reference"
          label={t("record.reference")}
          hint={t("record.referenceHint", { example: `\u2066${REFERENCE_EXAMPLE.replace(/-/g, "\u2011")}\u2069` })}
          problem={wrong.reference ? t("record.referenceProblem") : null}
          value={reference}
          onValue={setReference}
          maxLength={30}
          inputRef={referenceInput}
        />
        <CodeField
          id="record-key-input"
          label={t("record.key")}
          hint={t("record.keyHint", { length: RECORD_KEY_LENGTH })}
          problem={wrong.key ? t("record.keyProblem", { length: RECORD_KEY_LENGTH }) : null}
          value={key}
          onValue={setKey}
          maxLength={64}
          inputRef={keyInput}
        />
        {error ? <ErrorMessage error={new Error(recordProblem(error, tr))} /> : null}
        <p>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? t("record.looking") : t("record.submit")}
          </button>
        </p>
      </form>
      <p>
        <a href="#/">{t("record.back")}</a>
      </p>
    </>
  );
}

function RecordShown(props: { api: ApiClient; config: AppConfig; recordKey: string; record: HerRecord; onRecord: (record: HerRecord) => void }) {
  const tr = useT();
  const { t } = tr;
  const { record } = props;
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const forceName = (code: string) => props.config.forces.find((f) => f.code === code)?.name ?? code;
  const feedback = record.feedback;
  const [sent, setSent] = useState(false);
  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        {t("record.yours")} <bdi class="reference">{record.reference}</bdi>
      </h1>
      <section class="panel" aria-labelledby="record-facts">
        <h2 id="record-facts">{t("record.whatHappened")}</h2>
        <dl class="facts record-facts">
          {recordFacts(record, tr, forceName).map((fact) => [
            <dt key={`${fact.label}-dt`}>{fact.label}</dt>,
            <dd key={`${fact.label}-dd`}>{fact.data ? <bdi>{fact.value}</bdi> : fact.value}</dd>,
          ])}
        </dl>
      </section>
      {feedback ? (
        <section class="panel" aria-labelledby="feedback-shown">
          <h2 id="feedback-shown">{t("feedback.yours")}</h2>
          {sent ? (
            <p class="status tone-good" role="status">
              {t("feedback.thanks")}
            </p>
          ) : null}
          <dl class="facts">
            <dt>{t("feedback.said")}</dt>
            <dd>{feedback.verdict === "fine" ? t("feedback.fine") : t("feedback.wrong")}</dd>
            {feedback.text ? (
              <>
                <dt>{t("feedback.wrote")}</dt>
                {/* Her words as text, never as HTML. */}
                <dd class="kept-text">{feedback.text}</dd>
              </>
            ) : null}
            {feedback.contact ? (
              <>
                <dt>{t("feedback.contactShown")}</dt>
                <dd class="kept-text">{feedback.contact}</dd>
              </>
            ) : null}
            <dt>{t("feedback.leftAtLabel")}</dt>
            <dd>{tr.dateTime(feedback.left_at)}</dd>
          </dl>
        </section>
      ) : (
        <FeedbackForm
          api={props.api}
          reference={record.reference}
          recordKey={props.recordKey}
          onRecord={(next) => {
            setSent(true);
            props.onRecord(next);
          }}
        />
      )}
      <p>
        <a href="#/">{t("record.back")}</a>
      </p>
    </>
  );
}

/** Her feedback, with the same key: once, kept as she wrote it. */
function FeedbackForm(props: { api: ApiClient; reference: string; recordKey: string; onRecord: (record: HerRecord) => void }) {
  const tr = useT();
  const { t } = tr;
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [text, setText] = useState("");
  const [contact, setContact] = useState("");
  const [noVerdict, setNoVerdict] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const refused = refusedField(error);

  const submit = async (event: Event) => {
    event.preventDefault();
    setNoVerdict(verdict === null);
    setError(null);
    if (verdict === null) {
      document.getElementById("feedback-fine")?.focus();
      return;
    }
    setBusy(true);
    try {
      const record = await props.api.request<HerRecord>(`/records/${encodeURIComponent(props.reference)}/feedback`, {
        method: "PUT",
        headers: { "X-Record-Key": props.recordKey },
        body: { verdict, text: text.trim() || null, contact: contact.trim() || null } satisfies LeaveFeedback,
      });
      props.onRecord(record);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const tooLong = (field: "text" | "contact", max: number) =>
    refused === field ? (
      <p class="field-error" id={`feedback-${field}-error`} role="alert">
        <span class="sr-only">{t("enter.errorPrefix")} </span>
        {t("feedback.tooLong", { max })}
      </p>
    ) : null;

  return (
    <form class="panel" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="feedback-heading">
      <h2 id="feedback-heading">{t("feedback.heading")}</h2>
      <p class="hint">{t("feedback.once")}</p>
      <fieldset aria-describedby={noVerdict ? "feedback-verdict-error" : undefined}>
        <legend>{t("feedback.verdict")}</legend>
        {noVerdict ? (
          <p class="field-error" id="feedback-verdict-error" role="alert">
            <span class="sr-only">{t("enter.errorPrefix")} </span>
            {t("feedback.chooseOne")}
          </p>
        ) : null}
        {(["fine", "something_wrong"] as const).map((value) => (
          <div class="check" key={value}>
            <input
              type="radio"
              id={value === "fine" ? "feedback-fine" : "feedback-wrong"}
              name="verdict"
              value={value}
              checked={verdict === value}
              onChange={() => setVerdict(value)}
            />
            <label for={value === "fine" ? "feedback-fine" : "feedback-wrong"}>
              {value === "fine" ? t("feedback.fine") : t("feedback.wrong")}
            </label>
          </div>
        ))}
      </fieldset>
      <label for="feedback-text">{t("feedback.text")}</label>
      {tooLong("text", FEEDBACK_TEXT_MAX)}
      <textarea
        id="feedback-text"
        value={text}
        maxLength={FEEDBACK_TEXT_MAX}
        onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
        aria-describedby={refused === "text" ? "feedback-text-left feedback-text-error" : "feedback-text-left"}
        aria-invalid={refused === "text" ? "true" : "false"}
      />
      <p class="hint" id="feedback-text-left">
        {t("feedback.charactersLeft", { count: FEEDBACK_TEXT_MAX - text.length })}
      </p>
      <label for="feedback-contact">{t("feedback.contact")}</label>
      <p class="hint" id="feedback-contact-hint">
        {t("feedback.contactHint")}
      </p>
      {tooLong("contact", FEEDBACK_CONTACT_MAX)}
      <input
        id="feedback-contact"
        value={contact}
        maxLength={FEEDBACK_CONTACT_MAX}
        autoComplete="off"
        onInput={(e) => setContact((e.currentTarget as HTMLInputElement).value)}
        aria-describedby={refused === "contact" ? "feedback-contact-hint feedback-contact-error" : "feedback-contact-hint"}
        aria-invalid={refused === "contact" ? "true" : "false"}
      />
      {error && !refused ? <ErrorMessage error={new Error(recordProblem(error, tr))} /> : null}
      <p>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t("feedback.sending") : t("feedback.send")}
        </button>
      </p>
    </form>
  );
}
