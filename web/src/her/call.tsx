/** Her own video call to the control room, when the officer has no phone or she is not sure. */
import { useEffect, useRef, useState } from "preact/hooks";

import { type ApiClient, newIdempotencyKey, retryAfterMs } from "../shared/api";
import { catalogueCallWords } from "../shared/callwords";
import type { AppConfig } from "../shared/config";
import { useT } from "../shared/i18n";
import { poll } from "../shared/poll";
import { herCallStatus } from "../shared/states";
import type { PublicCall, PublicView } from "../shared/types";
import { ErrorMessage, StatusPanel } from "../shared/ui";
import type { VideoPanelProps } from "../shared/videopanel";
import { Attendance, Decision, herError, OfficerCard } from "./check";
import { KeepRecord } from "./keep";
import { useLazy } from "./lazy";
import { followsCall } from "./model";

export function CallFlow(props: { api: ApiClient; config: AppConfig; shoulder?: string; force?: string }) {
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

/** The video panel, fetched only when she starts her own call: her page stays small. */
function LazyVideoPanel(props: VideoPanelProps) {
  const { t } = useT();
  const { loaded: Panel, failed } = useLazy(() => import("../shared/videopanel").then((module) => module.VideoPanel));
  return Panel ? (
    <Panel {...props} />
  ) : (
    <section class="video" aria-label={t("video.region")}>
      <p class="video-status" role="status">
        {failed ? t("video.loadFailed") : t("video.starting")}
      </p>
    </section>
  );
}
