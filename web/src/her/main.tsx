/** Her page: type the officer's code, watch the control room's decision, call them herself. */
import { render, type ComponentChildren } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";

import "../styles.css";
import { ApiClient, ApiError, newIdempotencyKey, retryAfterMs } from "../shared/api";
import { CODE_LENGTH } from "../shared/api.generated";
import { catalogueCallWords } from "../shared/callwords";
import { loadConfig, type AppConfig } from "../shared/config";
import { codeProblem, formatCode, normaliseCode } from "../shared/format";
import { I18n, useT, type Translator } from "../shared/i18n";
import { poll } from "../shared/poll";
import { herCallStatus, herStatus } from "../shared/states";
import type { PublicCall, PublicView } from "../shared/types";
import { Call999, CannotStart, ErrorMessage, RegisterPhoto, Shell, StatusPanel, useFocusOnMount } from "../shared/ui";
import type { VideoPanelProps } from "../shared/videopanel";
import { applyLanguage, LanguageSwitcher, startLanguage, switchLanguage } from "./language";
import { attendanceSaid, decidedBy, FOLLOW_MS, followsCall, followsCheck, officerCardHeading, problemText, type AttendanceTimes } from "./model";
import { CodeField } from "./field";
import { KeepRecord } from "./keep";

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
 * A code inside a sentence: kept left to right in a right-to-left language (a bidi isolate) and
 * never broken at its dash (a non-breaking hyphen), so "ABCD-2345" cannot read "2345 … ABCD-".
 */
function ltr(code: string): string {
  return `\u2066${code.replace(/-/g, "\u2011")}\u2069`;
}

/** What went wrong, in her words: the API's failures explained, anything else in her language. */
function herError(err: unknown, tr: Translator): unknown {
  if (err instanceof ApiError) return new Error(problemText(err, tr));
  return tr.lang === "en" ? err : new Error(tr.t("error.other"));
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

/** The officer behind the code, headed by what is known: confirmed only once verified. */
function OfficerCard(props: { view: PublicView; config: AppConfig }) {
  const tr = useT();
  const { t } = tr;
  const officer = props.view.officer;
  const heading = officerCardHeading(props.view.state, tr);
  if (!officer || !heading) return null;
  const confirmed = props.view.state === "verified";
  return (
    <section class={confirmed ? "card confirmed" : "card"} aria-labelledby="who">
      <h2 id="who">{heading}</h2>
      <div class="card-body">
        <RegisterPhoto url={officer.photo_url} alt={t("card.photoAlt", { rank: officer.rank, name: officer.display_name })} />
        <dl class="facts">
          <dt>{t("card.name")}</dt>
          <dd>
            <bdi>{officer.display_name}</bdi>
          </dd>
          <dt>{t("card.rank")}</dt>
          <dd>
            <bdi>{officer.rank}</bdi>
          </dd>
          <dt>{t("card.shoulder")}</dt>
          <dd class="big">
            <bdi>{officer.shoulder_number}</bdi>
          </dd>
          <dt>{t("card.force")}</dt>
          <dd>
            <bdi>{forceName(props.config, officer.force)}</bdi>
          </dd>
        </dl>
      </div>
      <p class="hint">{confirmed ? t("card.checkMatch") : t("card.notYet")}</p>
    </section>
  );
}

function Decision(props: { view: PublicView }) {
  const tr = useT();
  const decision = props.view.decision;
  if (!decision) return null;
  return <p>{tr.t("check.decidedBy", { who: decidedBy(decision.decided_by, tr), time: tr.time(decision.decided_at) })}</p>;
}

function Attendance(props: { view: AttendanceTimes | null; ask: () => Promise<PublicView>; onView: (view: PublicView) => void }) {
  const tr = useT();
  const { t } = tr;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // One live region, from "asked" to "on the way": the change is read out where she heard the first.
  const said = props.view && attendanceSaid(props.view, tr);
  if (said) {
    return (
      <p class="status tone-active" role="status">
        {said}
      </p>
    );
  }
  const ask = async () => {
    setBusy(true);
    setError(null);
    try {
      props.onView(await props.ask());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="panel" aria-labelledby="attend">
      <h2 id="attend">{t("attend.heading")}</h2>
      <p>{t("attend.text")}</p>
      <ErrorMessage error={error && herError(error, tr)} />
      <button type="button" disabled={busy} onClick={() => void ask()}>
        {t("attend.ask")}
      </button>
    </section>
  );
}

function CallFlow(props: { api: ApiClient; config: AppConfig; shoulder?: string; force?: string }) {
  const tr = useT();
  const { t } = tr;
  const [call, setCall] = useState<PublicCall | null>(null);
  const [view, setView] = useState<PublicView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [key] = useState(newIdempotencyKey);
  const forces = props.config.forces;
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [call?.call_id]);

  const { api } = props;
  const callId = call?.call_id;
  const pollToken = call?.poll_token;
  // Until her call has ended, and after it while she waits to hear a uniformed officer was sent.
  const follow = view === null || followsCall(view);

  useEffect(() => {
    if (callId === undefined || pollToken === undefined || !follow) return;
    const headers = { "X-Call-Token": pollToken };
    return poll(() => api.request<PublicView>(`/public/calls/${encodeURIComponent(callId)}`, { headers }), {
      intervalMs: 5000,
      retryAfterMs,
      onValue: (next) => {
        setView(next);
        setError(null);
      },
      onError: setError,
      done: (next) => !followsCall(next),
    });
  }, [api, callId, pollToken, follow]);

  const start = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const body: Record<string, unknown> = { force: String(form.get("force") ?? forces[0]?.code) };
    const shoulder = String(form.get("shoulder") ?? "").trim();
    if (shoulder) body.shoulder_number = shoulder;
    setBusy(true);
    setError(null);
    try {
      // The same key on a retry: the ops room is paged once.
      setCall(await props.api.request<PublicCall>("/public/calls", { method: "POST", body, headers: { "Idempotency-Key": key } }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (!call) {
    return (
      <form class="panel" onSubmit={(e) => void start(e)} aria-labelledby="call-heading">
        <h2 id="call-heading" ref={heading} tabIndex={-1}>
          {t("call.heading")}
        </h2>
        <p>{t("call.text")}</p>
        {forces.length > 1 ? (
          <>
            <label for="force">{t("call.force")}</label>
            <select id="force" name="force">
              {forces.map((f) => (
                <option key={f.code} value={f.code} selected={f.code === (props.force ?? forces[0]?.code)}>
                  {f.name}
                </option>
              ))}
            </select>
          </>
        ) : (
          <input type="hidden" name="force" value={forces[0]?.code} />
        )}
        <label for="shoulder">{t("call.shoulder")}</label>
        <input id="shoulder" name="shoulder" dir="ltr" inputMode="numeric" autoComplete="off" maxLength={10} defaultValue={props.shoulder ?? ""} />
        <ErrorMessage error={error && herError(error, tr)} />
        <p>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? t("call.calling") : t("call.start")}
          </button>
        </p>
      </form>
    );
  }

  const state = view?.state ?? call.state;
  const status = herCallStatus(state, tr);
  const confirmed = state === "verified" && view ? view : null;
  return (
    <section aria-labelledby="her-call">
      <h2 id="her-call" ref={heading} tabIndex={-1}>
        {t("call.yours")}
      </h2>
      <StatusPanel status={status} />
      <ErrorMessage error={error && herError(error, tr)} />
      {confirmed ? (
        <>
          <OfficerCard view={confirmed} config={props.config} />
          <Decision view={confirmed} />
        </>
      ) : null}
      {status.live && call.meeting ? (
        <LazyVideoPanel
          meeting={call.meeting}
          attendee={call.attendee}
          remoteLabel={t("call.remote")}
          words={catalogueCallWords(tr)}
          purpose={t("call.purpose")}
        />
      ) : null}
      <p>
        {t("check.reference")} <bdi class="reference">{call.reference}</bdi>
      </p>
      {status.live ? null : (
        <KeepRecord
          scope={`call:${call.call_id}`}
          reference={call.reference}
          keep={(key) =>
            props.api.request(`/public/calls/${encodeURIComponent(call.call_id)}/record`, {
              method: "PUT",
              body: { key },
              headers: { "X-Call-Token": call.poll_token },
            })
          }
        />
      )}
      <Attendance
        view={view}
        ask={() =>
          props.api.request<PublicView>(`/public/calls/${encodeURIComponent(call.call_id)}/attendance`, {
            method: "POST",
            headers: { "X-Call-Token": call.poll_token },
          })
        }
        onView={setView}
      />
    </section>
  );
}

type Lookup = typeof import("./lookup").RecordLookup;

/** "Look up my record", fetched when she opens it: the page she opens at a stop stays small. */
function LazyRecordLookup(props: { api: ApiClient; config: AppConfig }) {
  const { t } = useT();
  const [screen, setScreen] = useState<{ Lookup: Lookup } | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let gone = false;
    import("./lookup").then(
      (module) => !gone && setScreen({ Lookup: module.RecordLookup }),
      () => !gone && setFailed(true),
    );
    return () => {
      gone = true;
    };
  }, []);
  if (screen) return <screen.Lookup {...props} />;
  return (
    <>
      <h1>{t("record.heading")}</h1>
      {failed ? <ErrorMessage error={new Error(t("record.loadFailed"))} /> : null}
    </>
  );
}

type Panel = typeof import("../shared/videopanel").VideoPanel;

/** The video panel, fetched only when she starts her own call: her page stays small. */
function LazyVideoPanel(props: VideoPanelProps) {
  const { t } = useT();
  const [panel, setPanel] = useState<{ Panel: Panel } | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let gone = false;
    import("../shared/videopanel").then(
      (module) => !gone && setPanel({ Panel: module.VideoPanel }),
      () => !gone && setFailed(true),
    );
    return () => {
      gone = true;
    };
  }, []);
  return (
    panel ? (
      <panel.Panel {...props} />
    ) : (
      <section class="video" aria-label={t("video.region")}>
        <p class="video-status" role="status">
          {failed ? t("video.loadFailed") : t("video.starting")}
        </p>
      </section>
    )
  );
}

function forceName(config: AppConfig, code: string): string {
  return config.forces.find((f) => f.code === code)?.name ?? code;
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
