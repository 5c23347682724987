/** Her page: type the officer's code, watch the control room's decision, call them herself. */
import { render, type ComponentChildren } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";

import "../styles.css";
import { ApiClient, retryAfterMs } from "../shared/api";
import { CODE_LENGTH } from "../shared/api.generated";
import { loadConfig, type AppConfig } from "../shared/config";
import { codeProblem, formatCode, normaliseCode } from "../shared/format";
import { I18n, useT, type Translator } from "../shared/i18n";
import { poll } from "../shared/poll";
import { herStatus } from "../shared/states";
import type { PublicView } from "../shared/types";
import { Call999, CannotStart, ErrorMessage, Shell, StatusPanel, useFocusOnMount } from "../shared/ui";
import { applyLanguage, LanguageSwitcher, startLanguage, switchLanguage } from "./language";
import { FOLLOW_MS, followsCheck } from "./model";
import { CallFlow } from "./call";
import { Attendance, Decision, herError, ltr, OfficerCard } from "./check";
import { CodeField } from "./field";
import { KeepRecord } from "./keep";
import { useLazy } from "./lazy";

type Screen =
  | { kind: "enter" }
  | { kind: "session"; code: string; view: PublicView }
  | { kind: "call" }
  | { kind: "record" };

/** "Look up my record" has its own address (`#/record`, or `?record` from a printed leaflet). */
function screenOfAddress(first: boolean): Screen {
  const record = location.hash === "#/record" || (first && new URLSearchParams(location.search).has("record"));
  return record ? { kind: "record" } : { kind: "enter" };
}

/**
 * Her page in the language she reads (the browser's, or the one she chose, remembered), with the
 * switcher that changes it at once; the page itself keeps its state across a change.
 */
function Localised(props: { initial: Translator; children: (switcher: ComponentChildren) => ComponentChildren }) {
  const [tr, setTr] = useState(props.initial);
  useEffect(() => applyLanguage(tr), [tr]);
  const switcher = <LanguageSwitcher current={tr.lang} onChoose={(lang) => void switchLanguage(lang).then(setTr)} />;
  return <I18n.Provider value={tr}>{props.children(switcher)}</I18n.Provider>;
}

function App(props: { config: AppConfig; switcher: ComponentChildren }) {
  const { t } = useT();
  const api = useMemo(() => new ApiClient(props.config.apiUrl), [props.config.apiUrl]);
  const [screen, setScreen] = useState<Screen>(() => screenOfAddress(true));
  useEffect(() => {
    const follow = () => setScreen(screenOfAddress(false));
    window.addEventListener("hashchange", follow);
    return () => window.removeEventListener("hashchange", follow);
  }, []);
  return (
    <Shell title={t("page.title")} aside={props.switcher}>
      {screen.kind === "enter" ? (
        <EnterCode api={api} config={props.config} onFound={(code, view) => setScreen({ kind: "session", code, view })} onCall={() => setScreen({ kind: "call" })} />
      ) : null}
      {screen.kind === "session" ? (
        <SessionView api={api} config={props.config} code={screen.code} initial={screen.view} />
      ) : null}
      {screen.kind === "call" ? <CallFlow api={api} config={props.config} /> : null}
      {screen.kind === "record" ? <LazyRecordLookup api={api} config={props.config} /> : null}
      <hr />
      <Call999 />
    </Shell>
  );
}

function EnterCode(props: {
  api: ApiClient;
  config: AppConfig;
  onFound: (code: string, view: PublicView) => void;
  onCall: () => void;
}) {
  const tr = useT();
  const { t } = tr;
  const [typed, setTyped] = useState("");
  // The problem is kept as what was typed, so it is said again in a language chosen afterwards.
  const [checked, setChecked] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const problem = checked === null ? null : codeProblem(checked, tr);

  const submit = async (event: Event) => {
    event.preventDefault();
    const wrong = codeProblem(typed, tr);
    setChecked(wrong ? typed : null);
    setError(null);
    if (wrong) {
      input.current?.focus();
      return;
    }
    const code = normaliseCode(typed);
    setBusy(true);
    try {
      const view = await props.api.request<PublicView>(`/verify/${encodeURIComponent(code)}`);
      props.onFound(code, view);
    } catch (err) {
      setError(herError(err, tr));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1>{t("enter.heading")}</h1>
      <p class="lede">{t("enter.lede")}</p>
      <form class="panel" onSubmit={(e) => void submit(e)} noValidate>
        <CodeField
          id="code"
          name="code"
          inputClass="code-input"
          label={t("enter.label")}
          hint={t("enter.hint", { length: CODE_LENGTH, example: ltr("ABCD-2345") })}
          problem={problem}
          value={typed}
          onValue={setTyped}
          maxLength={12}
          inputRef={input}
        />
        <ErrorMessage error={error} />
        <p>
          <button type="submit" class="primary huge" disabled={busy}>
            {busy ? t("enter.checking") : t("enter.submit")}
          </button>
        </p>
      </form>
      <section class="panel" aria-labelledby="nocode">
        <h2 id="nocode">{t("enter.noCodeHeading")}</h2>
        <p>{t("enter.noCodeText")}</p>
        <button type="button" onClick={props.onCall}>
          {t("enter.callMyself")}
        </button>
      </section>
      <section class="panel" aria-labelledby="after">
        <h2 id="after">{t("enter.recordHeading")}</h2>
        <p>{t("enter.recordText")}</p>
        <a class="button" href="#/record">
          {t("enter.lookUp")}
        </a>
      </section>
    </>
  );
}

function SessionView(props: { api: ApiClient; config: AppConfig; code: string; initial: PublicView }) {
  const tr = useT();
  const { t } = tr;
  const [view, setView] = useState<PublicView>(props.initial);
  const [error, setError] = useState<unknown>(null);
  const [calling, setCalling] = useState(false);
  const status = herStatus(view, tr);
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const { api, code } = props;
  // While the check is live, and after it while she waits to hear a uniformed officer was sent.
  const follow = followsCheck(view);

  useEffect(() => {
    if (!follow) return;
    return poll(() => api.request<PublicView>(`/verify/${encodeURIComponent(code)}`), {
      intervalMs: FOLLOW_MS,
      initialDelayMs: FOLLOW_MS, // the answer that opened this screen (or her request's) is fresh
      retryAfterMs,
      onValue: (next) => {
        setView(next);
        setError(null);
      },
      onError: setError,
      done: (next) => !followsCheck(next),
    });
  }, [api, code, follow]);

  const officer = view.officer;
  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        {t("check.heading", { code: ltr(formatCode(props.code)) })}
      </h1>
      <StatusPanel status={status} />
      {status.urge999 ? <Call999 prominent text={t("check.urge999")} /> : null}
      <ErrorMessage error={error && herError(error, tr)} />
      <OfficerCard view={view} config={props.config} />
      <Decision view={view} />
      <p>
        {t("check.reference")} <bdi class="reference">{view.reference}</bdi>
        <br />
        <span class="hint">{t("check.referenceHint")}</span>
      </p>
      {status.live ? null : (
        <KeepRecord
          scope={`code:${code}`}
          reference={view.reference}
          keep={(key) => api.request(`/verify/${encodeURIComponent(code)}/record`, { method: "PUT", body: { key } })}
        />
      )}
      <Attendance
        view={view}
        ask={() => props.api.request<PublicView>(`/verify/${encodeURIComponent(props.code)}/attendance`, { method: "POST" })}
        onView={setView}
      />
      {calling ? (
        <CallFlow api={props.api} config={props.config} shoulder={officer?.shoulder_number} force={officer?.force} />
      ) : (
        <p>
          <button type="button" onClick={() => setCalling(true)}>
            {t("enter.callMyself")}
          </button>
        </p>
      )}
    </>
  );
}

/** "Look up my record", fetched when she opens it: the page she opens at a stop stays small. */
function LazyRecordLookup(props: { api: ApiClient; config: AppConfig }) {
  const { t } = useT();
  const { loaded: Lookup, failed } = useLazy(() => import("./lookup").then((module) => module.RecordLookup));
  if (Lookup) return <Lookup {...props} />;
  return (
    <>
      <h1>{t("record.heading")}</h1>
      {failed ? <ErrorMessage error={new Error(t("record.loadFailed"))} /> : null}
    </>
  );
}

const root = document.getElementById("app");
if (root) {
  // The language and the config are fetched together: neither waits for the other.
  void Promise.all([startLanguage(), loadConfig().then((config) => ({ config }), (error: unknown) => ({ error }))]).then(
    ([tr, loaded]) => {
      applyLanguage(tr);
      render(
        <Localised initial={tr}>
          {(switcher) =>
            "config" in loaded ? <App config={loaded.config} switcher={switcher} /> : <Unavailable error={loaded.error} switcher={switcher} />
          }
        </Localised>,
        root,
      );
    },
  );
}

/** The page could not start: say so in her language, with 999. */
function Unavailable(props: { error: unknown; switcher: ComponentChildren }) {
  const tr = useT();
  return (
    <CannotStart
      title={tr.t("page.title")}
      error={tr.lang === "en" ? props.error : new Error(tr.t("error.other"))}
      advice={tr.t("error.cannotStart")}
      aside={props.switcher}
    />
  );
}
