/**
 * The video panel: tiles, the words for each state of the call (call.ts), and its buttons.
 *
 * A module of its own so that her page loads it only when she starts her own call; the officer
 * app and the console load it with the page.
 */
import { useEffect, useRef, useState } from "preact/hooks";

import { platformOf, type Advice, type Platform } from "./advice";
import { initialCall, type CallState } from "./call";
import { describe, type CallWords } from "./callview";
import { useT, type MessageKey } from "./i18n";
import { alreadyGranted } from "./media";
import type { ChimeAttendee, ChimeMeeting } from "./types";
import { Call999, useNow } from "./ui";
import { VideoCall } from "./video";

export interface VideoPanelProps {
  meeting: ChimeMeeting;
  attendee: ChimeAttendee;
  /** The other side, as their tile is named: "Officer", "Control room", "Member of the public". */
  remoteLabel: string;
  /** The sentences about the other side in the page's language (her page); else English from `remoteLabel`. */
  words?: CallWords;
  /** Why the camera and microphone are needed, said before anything is asked. */
  purpose: string;
  /** The 999 fallback's words beside "Rejoin video" when the call is lost (the officer's app). */
  fallback999?: string;
  /** Called when the other side's video has been shown (the console's "decided without video"). */
  onRemoteVideoSeen?: () => void;
}

/**
 * Video tiles and controls for one Chime meeting; leaves the call when it goes away.
 *
 * Each join is a fresh meeting session (a new key): *Leave video* and *Rejoin video* are one tap
 * each, and a call that was lost while the page was in the background rejoins by itself once.
 */
export function VideoPanel(props: VideoPanelProps) {
  const { t } = useT();
  const [attempt, setAttempt] = useState(0);
  const [left, setLeft] = useState(false);
  const [rejoin, setRejoin] = useState<{ automatic: boolean; notice: MessageKey | null }>({ automatic: false, notice: null });
  const again = (notice: MessageKey | null) => {
    setRejoin({ automatic: notice !== null, notice });
    setAttempt((n) => n + 1);
    setLeft(false);
  };
  if (left) {
    return (
      <section class="video" aria-label={t("video.region")}>
        <p class="video-status" role="status">
          {t("video.endLeft")}
        </p>
        <button type="button" class="primary" onClick={() => again(null)}>
          {t("video.rejoin")}
        </button>
      </section>
    );
  }
  return (
    <VideoSession
      key={`${props.meeting.MeetingId}-${attempt}`}
      {...props}
      // A rejoin follows a tap (or an automatic rejoin of a call that had media): no second question.
      started={attempt > 0}
      automatic={rejoin.automatic}
      notice={rejoin.notice}
      onLeave={() => setLeft(true)}
      onRejoin={again}
    />
  );
}

function VideoSession(
  props: VideoPanelProps & {
    started: boolean;
    automatic: boolean;
    notice: MessageKey | null;
    onLeave: () => void;
    onRejoin: (notice: MessageKey | null) => void;
  },
) {
  const local = useRef<HTMLVideoElement>(null);
  const remote = useRef<HTMLVideoElement>(null);
  const audio = useRef<HTMLAudioElement>(null);
  const call = useRef<VideoCall | null>(null);
  const [state, setState] = useState<CallState>(() => initialCall({ automatic: props.automatic, notice: props.notice }));
  // Until we know whether the browser would ask (a first visit), the ready step is not shown.
  const [checking, setChecking] = useState(!props.started);
  const [muted, setMuted] = useState(false);
  const [retrying, setRetrying] = useState(false);
  const now = useNow(1000);
  const [platform] = useState(() => (typeof navigator === "undefined" ? "other" : platformOf(navigator.userAgent, navigator.maxTouchPoints)));
  const seenReported = useRef(false);

  const begin = () => {
    const current = call.current;
    if (current && local.current && remote.current && audio.current) {
      void current.join(props.meeting, props.attendee, { local: local.current, remote: remote.current, audio: audio.current });
    }
  };

  // One call per session (the key above makes a new session for each join), made with the props
  // and `begin` of its first render: a later render never restarts it.
  const mounted = useRef({ props, begin });
  useEffect(() => {
    const { props: first, begin: join } = mounted.current;
    const current = new VideoCall(first.attendee.AttendeeId, setState, (notice) => first.onRejoin(notice), {
      automatic: first.automatic,
      notice: first.notice,
    });
    call.current = current;
    setState(current.current());
    let gone = false;
    if (first.started) join();
    else {
      // Already granted (a managed phone, a control-room machine): starting asks nothing, so the
      // tap that started the check or the claim is enough. Otherwise: explain, then one button.
      void alreadyGranted(typeof navigator === "undefined" ? undefined : navigator.permissions).then((granted) => {
        if (gone) return;
        setChecking(false);
        if (granted) join();
      });
    }
    return () => {
      gone = true;
      void current.leave();
    };
  }, []);

  const { onRemoteVideoSeen } = props;
  useEffect(() => {
    if (state.remoteSeen && !seenReported.current) {
      seenReported.current = true;
      onRemoteVideoSeen?.();
    }
  }, [state.remoteSeen, onRemoteVideoSeen]);

  const tr = useT();
  const { t } = tr;
  const view = describe(state, props.words ?? props.remoteLabel, now, platform, tr);
  // A rejoin (started) joins at once: its first render, before the join, is not the ready step.
  const starting = view.phase === "ready" && (checking || props.started);
  const ready = view.phase === "ready" && !starting;

  const leave = async () => {
    await call.current?.leave();
    props.onLeave();
  };
  const retry = async () => {
    setRetrying(true);
    try {
      await call.current?.retryMedia();
    } finally {
      setRetrying(false);
    }
  };

  return (
    <section class={`video phase-${view.phase}`} aria-label={t("video.region")}>
      {ready ? (
        <div class="video-ready">
          <p>{props.purpose}</p>
          <button type="button" class="primary" onClick={begin}>
            {t("video.turnOn")}
          </button>
        </div>
      ) : null}
      {/* Hidden, not absent, before the call: the elements must exist when the tap joins. */}
      <div class="tiles" hidden={ready}>
        <figure class="tile remote">
          <video ref={remote} autoPlay playsInline aria-label={props.remoteLabel} />
          {view.remotePlaceholder ? <div class="tile-placeholder">{view.remotePlaceholder}</div> : null}
          <figcaption>
            {props.remoteLabel}
            {view.quality ? <span class={`badge quality-${view.quality.level}`}>{t("video.connection", { word: view.quality.word })}</span> : null}
            {view.remoteAudioOnly ? <span class="badge">{t("video.audioOnlyBadge")}</span> : null}
            {view.remoteMuted ? <span class="badge">{t("video.mutedBadge")}</span> : null}
          </figcaption>
        </figure>
        <figure class="tile local">
          <video ref={local} autoPlay playsInline muted aria-label={t("video.yourCamera")} />
          {view.localPlaceholder ? <div class="tile-placeholder">{view.localPlaceholder}</div> : null}
          <figcaption>
            {t("video.you")}
            {view.controls && !view.localPlaceholder && !view.sending ? <span class="badge">{t("video.notSent")}</span> : null}
          </figcaption>
        </figure>
      </div>
      <audio ref={audio} autoPlay />
      <p class={`video-status phase-${view.phase}`} role="status">
        {starting ? t("video.starting") : view.message}
      </p>
      {view.advice ? <MediaAdvice advice={view.advice} platform={platform} /> : null}
      {view.canRetryMedia ? (
        <p>
          <button type="button" disabled={retrying} onClick={() => void retry()}>
            {t("video.retryMedia")}
          </button>
        </p>
      ) : null}
      {view.canRejoin ? (
        <div class="video-lost">
          <button type="button" class="primary" onClick={() => props.onRejoin(null)}>
            {t("video.rejoin")}
          </button>
          {props.fallback999 ? <Call999 prominent text={props.fallback999} /> : null}
        </div>
      ) : null}
      {view.controls ? (
        <div class="controls">
          <button type="button" aria-pressed={muted} onClick={() => setMuted(call.current?.toggleMute() ?? !muted)}>
            {muted ? t("video.unmute") : t("video.mute")}
          </button>
          {state.local.video ? (
            <button type="button" aria-pressed={!state.cameraWanted} onClick={() => call.current?.setCamera(!state.cameraWanted)}>
              {state.cameraWanted ? t("video.cameraOff") : t("video.cameraOn")}
            </button>
          ) : null}
          <button type="button" class="secondary" onClick={() => void leave()}>
            {t("video.leave")}
          </button>
        </div>
      ) : null}
    </section>
  );
}

/**
 * What to do about a blocked or missing camera or microphone: the steps for the device in hand
 * first and open, the others folded away (an iPhone, an Android phone, a computer).
 */
function MediaAdvice(props: { advice: Advice; platform: Platform }) {
  const { advice } = props;
  const { t } = useT();
  const lists = {
    ios: { title: t("video.onIos"), steps: advice.ios },
    android: { title: t("video.onAndroid"), steps: advice.android },
    other: { title: t("video.onComputer"), steps: advice.other },
  };
  const order: Platform[] = props.platform === "android" ? ["android", "ios", "other"] : props.platform === "ios" ? ["ios", "android", "other"] : ["other", "ios", "android"];
  const [first, ...rest] = order.map((key) => ({ key, ...lists[key] }));
  const steps = (list: { steps: string[] }) => (
    <ol>
      {list.steps.map((step) => (
        <li key={step}>{step}</li>
      ))}
    </ol>
  );
  return (
    <section class="media-advice" aria-labelledby="media-advice-problem">
      <p id="media-advice-problem">
        <strong>{advice.problem}</strong> {t("video.whatToDo")}
      </p>
      {first ? (
        <>
          <p class="media-advice-title">{first.title}</p>
          {steps(first)}
        </>
      ) : null}
      {rest.map((list) => (
        <details key={list.key}>
          <summary>{list.title}</summary>
          {steps(list)}
        </details>
      ))}
    </section>
  );
}
