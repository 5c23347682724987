import { describe as group, expect, it } from "vitest";

import { mediaAdvice, platformOf } from "./advice";
import {
  CALL_SETTINGS,
  initialCall,
  isNormalEnd,
  NOTICE_MS,
  phaseOf,
  reduce,
  shouldRunCamera,
  shouldSendVideo,
  shouldShowRemoteVideo,
  STALE_POOR_MS,
  VIDEO_GRACE_MS,
  type CallEvent,
  type CallOptions,
  type CallState,
  type LocalMedia,
} from "./call";
import { describe, qualityOf } from "./callview";

const BOTH: LocalMedia = { audio: true, video: true, cameraProblem: null, microphoneProblem: null };
const NO_CAMERA: LocalMedia = { audio: true, video: false, cameraProblem: "denied", microphoneProblem: null };
const NOTHING: LocalMedia = { audio: false, video: false, cameraProblem: "denied", microphoneProblem: "denied" };
const SERGEANT = "sergeant-attendee";
const T0 = 1_000_000;

/** Events applied in order, each a second after the last unless given as [event, at]. */
function run(events: (CallEvent | [CallEvent, number])[], options: CallOptions = {}): CallState {
  let state = initialCall(options);
  let at = T0;
  for (const item of events) {
    const [event, when] = Array.isArray(item) ? item : [item, at + 1000];
    at = when;
    state = reduce(state, event, at);
  }
  return state;
}

const joined: CallEvent[] = [{ type: "tap" }, { type: "media", local: BOTH }, { type: "connecting", reconnecting: false }, { type: "started" }];
const sergeantHere: CallEvent[] = [
  { type: "presence", attendeeId: SERGEANT, present: true, dropped: false },
  { type: "remoteVideo", attendeeId: SERGEANT, on: true },
  { type: "signal", attendeeId: SERGEANT, strength: 1, muted: false },
];
const officerView = (state: CallState, now = T0 + 60_000) => describe(state, "Control room", now);
const consoleView = (state: CallState, now = T0 + 60_000) => describe(state, "Officer", now);

group("before the call", () => {
  it("is ready: says why, asks nothing, sends nothing", () => {
    const state = initialCall();
    const view = officerView(state);
    expect(view.phase).toBe("ready");
    expect(view.message).toBe("Your camera and microphone are off. Turn them on to join the video call.");
    expect(shouldRunCamera(state)).toBe(false);
    expect(view.controls).toBe(false);
    expect(view.advice).toBeNull();
  });

  it("starts on the tap, and only then", () => {
    const state = run([{ type: "tap" }]);
    expect(phaseOf(state)).toBe("starting");
    expect(officerView(state).message).toBe("Starting video…");
    expect(reduce(state, { type: "tap" }, T0)).toBe(state);
  });
});

group("connected", () => {
  it("waits for the other side, with the camera on but not sent", () => {
    const state = run(joined);
    const view = officerView(state);
    expect(view.phase).toBe("connected");
    expect(view.message).toBe("Connected. Waiting for the control room to join the video…");
    expect(shouldRunCamera(state)).toBe(true);
    expect(shouldSendVideo(state)).toBe(false); // nobody is watching yet
    expect(view.sending).toBe(false);
  });

  it("sends once the other side is present, and says just Connected with their video", () => {
    const state = run([...joined, ...sergeantHere]);
    expect(shouldSendVideo(state)).toBe(true);
    const view = officerView(state);
    expect(view.message).toBe("Connected.");
    expect(view.quality).toEqual({ level: "good", word: "Good" });
    expect(view.remotePlaceholder).toBeNull();
    expect(view.remoteAudioOnly).toBe(false);
  });

  it("ignores presence for an attendee it does not know in a signal report", () => {
    const state = run(joined);
    expect(reduce(state, { type: "signal", attendeeId: "stranger", strength: 0, muted: null }, T0)).toBe(state);
  });

  it("keeps the last signal strength when the SDK reports only a change of volume or mute", () => {
    const state = run([...joined, ...sergeantHere, { type: "signal", attendeeId: SERGEANT, strength: null, muted: true }]);
    expect(officerView(state).quality?.word).toBe("Good");
    expect(officerView(state).remoteMuted).toBe(true);
  });

  it("stops sending when the other side leaves, and says their video stopped", () => {
    const state = run([
      ...joined,
      ...sergeantHere,
      { type: "remoteVideo", attendeeId: SERGEANT, on: false },
      { type: "presence", attendeeId: SERGEANT, present: false, dropped: false },
    ]);
    expect(shouldSendVideo(state)).toBe(false);
    const view = officerView(state);
    expect(view.message).toBe("Connected. The other side's video has stopped: the control room left the video call.");
    expect(view.quality).toBeNull();
  });
});

group("the other side's connection, in words", () => {
  it.each([
    [1, "good", "Good"],
    [0.5, "weak", "Weak"],
    [0, "none", "No signal — reconnecting…"],
  ] as const)("signal strength %s is %s", (strength, level, word) => {
    expect(qualityOf(strength)).toBe(level);
    const state = run([...joined, ...sergeantHere, { type: "signal", attendeeId: SERGEANT, strength, muted: null }]);
    expect(consoleView(state).quality).toEqual({ level, word });
  });

  it("has no word before the first report", () => {
    expect(qualityOf(null)).toBeNull();
    const state = run([...joined, { type: "presence", attendeeId: SERGEANT, present: true, dropped: false }]);
    expect(consoleView(state).quality).toBeNull();
  });

  it("says a weak connection in the status line", () => {
    const state = run([...joined, ...sergeantHere, { type: "signal", attendeeId: SERGEANT, strength: 0.5, muted: null }]);
    expect(consoleView(state).message).toBe("Connected. The officer's connection is weak: their video may freeze.");
  });

  it("says the officer is reconnecting while their signal is 0", () => {
    const state = run([...joined, ...sergeantHere, { type: "signal", attendeeId: SERGEANT, strength: 0, muted: null }]);
    const view = consoleView(state);
    expect(view.remoteReconnecting).toBe(true);
    expect(view.message).toBe("Connected. No signal from the officer: they are reconnecting…");
    expect(view.remotePlaceholder).toBe("No signal — reconnecting…");
  });

  it("does not say reconnecting while their media is still connecting after they joined", () => {
    const joining = run([
      ...joined,
      { type: "presence", attendeeId: SERGEANT, present: true, dropped: false },
      { type: "signal", attendeeId: SERGEANT, strength: 0, muted: false },
    ]);
    const view = consoleView(joining, T0 + 6_000);
    expect(view.remoteReconnecting).toBe(false);
    expect(view.quality).toBeNull();
    expect(view.message).not.toContain("reconnecting");
    // Heard once, a 0 afterwards is their connection failing.
    const failing = reduce(
      reduce(joining, { type: "signal", attendeeId: SERGEANT, strength: 1, muted: null }, T0 + 7_000),
      { type: "signal", attendeeId: SERGEANT, strength: 0, muted: null },
      T0 + 8_000,
    );
    expect(consoleView(failing, T0 + 9_000).remoteReconnecting).toBe(true);
  });

  it("says the officer is reconnecting while their presence has dropped, and again when they are back", () => {
    const dropped = run([...joined, ...sergeantHere, { type: "presence", attendeeId: SERGEANT, present: false, dropped: true }]);
    const view = consoleView(dropped);
    expect(view.remoteReconnecting).toBe(true);
    expect(view.quality?.word).toBe("No signal — reconnecting…");
    expect(view.message).toContain("they are reconnecting…");
    const back = run([
      ...joined,
      ...sergeantHere,
      { type: "presence", attendeeId: SERGEANT, present: false, dropped: true },
      { type: "presence", attendeeId: SERGEANT, present: true, dropped: false },
      { type: "remoteVideo", attendeeId: SERGEANT, on: true },
      { type: "signal", attendeeId: SERGEANT, strength: 1, muted: null },
    ]);
    expect(consoleView(back).message).toBe("Connected.");
  });

  it("ignores a dropped attendee who is not the other side any more", () => {
    const state = run([
      ...joined,
      { type: "presence", attendeeId: "old", present: true, dropped: false },
      { type: "presence", attendeeId: "old", present: false, dropped: true },
      ...sergeantHere,
    ]);
    expect(consoleView(state).message).toBe("Connected.");
  });
});

group("the other side on audio only", () => {
  const present = { type: "presence", attendeeId: SERGEANT, present: true, dropped: false } as const;

  it("waits a moment for their first video before saying audio only", () => {
    const state = run([...joined, [present, T0 + 10_000]]);
    expect(consoleView(state, T0 + 10_000 + VIDEO_GRACE_MS - 1).message).toBe("Connected. Waiting for the officer's video…");
    expect(consoleView(state, T0 + 10_000 + VIDEO_GRACE_MS - 1).remoteAudioOnly).toBe(false);
    const later = consoleView(state, T0 + 10_000 + VIDEO_GRACE_MS + 1);
    expect(later.message).toBe("Connected. The officer is on audio only (no video).");
    expect(later.remoteAudioOnly).toBe(true);
    expect(later.remotePlaceholder).toBe("Audio only: no video from the officer");
  });

  it("says so at once when their video stops", () => {
    const state = run([...joined, ...sergeantHere, { type: "remoteVideo", attendeeId: SERGEANT, on: false }]);
    const view = consoleView(state, T0 + 5_000);
    expect(view.remoteAudioOnly).toBe(true);
    expect(view.message).toBe("Connected. The other side's video has stopped: the officer is on audio only.");
  });
});

group("poor connection: audio only, and back", () => {
  // The SDK judges from 15 s of received audio: a warning counts once the other side has been sending that long.
  const poorLater: [CallEvent, number] = [{ type: "poor" }, T0 + 30_000];

  it.each(["connectionDidBecomePoor", "connectionDidSuggestStopVideo"])("%s turns our video off with a message", () => {
    const state = run([...joined, ...sergeantHere, poorLater]);
    expect(phaseOf(state)).toBe("audio_only");
    expect(shouldSendVideo(state)).toBe(false);
    expect(shouldRunCamera(state)).toBe(true); // the preview stays, so video comes back fast
    expect(officerView(state).message).toMatch(/^Audio only: your connection is poor, so your video is off/);
  });

  it("turns video back on when the connection is good, and says so", () => {
    const state = run([...joined, ...sergeantHere, poorLater, [{ type: "good" }, T0 + 50_000]]);
    expect(phaseOf(state)).toBe("connected");
    expect(shouldSendVideo(state)).toBe(true);
    expect(officerView(state, T0 + 51_000).message).toBe("Connected. The connection is better: your video is back on.");
    expect(officerView(state, T0 + 50_000 + NOTICE_MS + 1).message).toBe("Connected.");
  });

  it("does not believe a poor connection while nobody was sending to us", () => {
    // Alone in the meeting: no audio arrives, which the SDK counts as loss.
    expect(phaseOf(run([...joined, [{ type: "poor" }, T0 + 60_000]]))).toBe("connected");
    // The other side only just arrived: the SDK's window still holds the silence before.
    expect(phaseOf(run([...joined, ...sergeantHere, [{ type: "poor" }, T0 + 12_000]]))).toBe("connected");
    // The other side had no signal (their phone offline): the loss was theirs.
    const theirs = run([
      ...joined,
      ...sergeantHere,
      [{ type: "signal", attendeeId: SERGEANT, strength: 0, muted: null }, T0 + 40_000],
      [{ type: "signal", attendeeId: SERGEANT, strength: 1, muted: null }, T0 + 50_000],
      [{ type: "poor" }, T0 + 55_000],
    ]);
    expect(phaseOf(theirs)).toBe("connected");
    expect(phaseOf(reduce(theirs, { type: "poor" }, T0 + 70_000))).toBe("audio_only");
  });

  // Our own measurement of received audio (reception.ts), one sample a second from T0 + 20 s.
  const receptionFrom = (healthy: boolean, from: number, to: number): [CallEvent, number][] => {
    const out: [CallEvent, number][] = [];
    for (let at = from; at <= to; at += 1000) out.push([{ type: "reception", healthy }, at]);
    return out;
  };

  it("keeps an early warning and believes it once our own reception agrees", () => {
    // The SDK warns once, early, and does not say it again; the audio really does arrive badly.
    const early = run([...joined, ...sergeantHere, [{ type: "poor" }, T0 + 8_000]]);
    expect(phaseOf(early)).toBe("connected");
    const measured = run([...joined, ...sergeantHere, [{ type: "poor" }, T0 + 8_000], ...receptionFrom(false, T0 + 9_000, T0 + 13_000)]);
    // Heard at T0 + 7 s: believed once a whole window (5 s) and a sample lie after that, not before.
    const notYet = run([...joined, ...sergeantHere, [{ type: "poor" }, T0 + 8_000], ...receptionFrom(false, T0 + 9_000, T0 + 12_000)]);
    expect(phaseOf(notYet)).toBe("connected");
    expect(phaseOf(measured)).toBe("audio_only");
    expect(shouldSendVideo(measured)).toBe(false);
  });

  it("does not believe the SDK while our own audio arrives well (a stale stream after a reconnection)", () => {
    const state = run([...joined, ...sergeantHere, [{ type: "poor" }, T0 + 30_000], ...receptionFrom(true, T0 + 30_000, T0 + 90_000)]);
    expect(phaseOf(state)).toBe("connected");
    expect(shouldSendVideo(state)).toBe(true);
  });

  it("ends a believed warning the SDK no longer re-assesses, after our reception is good long enough", () => {
    const poor = run([...joined, ...sergeantHere, ...receptionFrom(false, T0 + 20_000, T0 + 30_000), [{ type: "poor" }, T0 + 30_500]]);
    expect(phaseOf(poor)).toBe("audio_only");
    const soon = [...joined, ...sergeantHere, ...receptionFrom(false, T0 + 20_000, T0 + 30_000), [{ type: "poor" }, T0 + 30_500] as [CallEvent, number]];
    // Good again, but not yet longer than the SDK's own cooldown and window: the SDK decides.
    expect(phaseOf(run([...soon, ...receptionFrom(true, T0 + 31_000, T0 + 31_000 + STALE_POOR_MS - 1000)]))).toBe("audio_only");
    const stale = run([...soon, ...receptionFrom(true, T0 + 31_000, T0 + 31_000 + STALE_POOR_MS)]);
    expect(phaseOf(stale)).toBe("connected");
    expect(officerView(stale, T0 + 31_000 + STALE_POOR_MS).message).toBe("Connected. The connection is better: your video is back on.");
  });

  it("does not believe it while the other side is weak: the loss is theirs (their phone going offline)", () => {
    const state = run([
      ...joined,
      ...sergeantHere,
      ...receptionFrom(true, T0 + 20_000, T0 + 30_000),
      [{ type: "signal", attendeeId: SERGEANT, strength: 0.5, muted: null }, T0 + 30_900],
      [{ type: "poor" }, T0 + 30_950],
      ...receptionFrom(false, T0 + 31_000, T0 + 40_000),
    ]);
    expect(phaseOf(state)).toBe("connected");
    // Heard well again for a whole window, and our audio still arrives badly: now it is ours.
    const ours = run([
      ...joined,
      ...sergeantHere,
      [{ type: "signal", attendeeId: SERGEANT, strength: 0.5, muted: null }, T0 + 30_900],
      [{ type: "poor" }, T0 + 30_950],
      [{ type: "signal", attendeeId: SERGEANT, strength: 1, muted: null }, T0 + 31_000],
      ...receptionFrom(false, T0 + 32_000, T0 + 38_000),
    ]);
    expect(phaseOf(ours)).toBe("audio_only");
  });

  it("does not count our own short outage as a poor connection", () => {
    const state = run([
      ...joined,
      ...sergeantHere,
      ...receptionFrom(true, T0 + 20_000, T0 + 30_000),
      [{ type: "network", online: false }, T0 + 31_000],
      ...receptionFrom(false, T0 + 32_000, T0 + 36_000),
      [{ type: "poor" }, T0 + 36_500],
      [{ type: "network", online: true }, T0 + 37_000],
      // The window still holds the gap for a few seconds, then audio arrives well again.
      ...receptionFrom(false, T0 + 38_000, T0 + 40_000),
      ...receptionFrom(true, T0 + 41_000, T0 + 60_000),
    ]);
    expect(phaseOf(state)).toBe("connected");
    expect(shouldSendVideo(state)).toBe(true);
  });

  it("ignores a good connection it was never told was poor", () => {
    const state = run([...joined, ...sergeantHere]);
    expect(reduce(state, { type: "good" }, T0)).toBe(state);
  });
});

group("permissions and devices", () => {
  it("goes on with audio when the camera is refused, and says what to do", () => {
    const state = run([{ type: "tap" }, { type: "media", local: NO_CAMERA }, { type: "started" }, ...sergeantHere.slice(0, 1)]);
    expect(phaseOf(state)).toBe("audio_only");
    expect(shouldRunCamera(state)).toBe(false);
    const view = describe(state, "Control room", T0 + 60_000, "ios");
    expect(view.message).toMatch(/^Audio only: the camera is blocked for this site\. The call goes on by voice\./);
    expect(view.advice?.first).toBe("ios");
    expect(view.advice?.ios.join(" ")).toContain("Website Settings");
    expect(view.advice?.android.join(" ")).toContain("Permissions");
    expect(view.canRetryMedia).toBe(true);
    expect(view.localPlaceholder).toBe("No camera");
  });

  it("goes on with no media at all: the other side is told nothing is coming, and the check goes on", () => {
    const state = run([{ type: "tap" }, { type: "media", local: NOTHING }, { type: "started" }]);
    expect(phaseOf(state)).toBe("no_media");
    const view = officerView(state);
    expect(view.message).toMatch(/^No camera or microphone: the camera and microphone are blocked for this site\. The control room cannot see or hear you, but the check goes on\./);
    expect(view.controls).toBe(true);
  });

  it("a camera that fails to reopen later means audio only", () => {
    const state = run([...joined, { type: "cameraFailed", problem: "busy" }]);
    expect(phaseOf(state)).toBe("audio_only");
    expect(officerView(state).message).toMatch(/^Audio only: another app is using the camera\./);
  });

  it("the user's own camera button is not a problem", () => {
    const state = run([...joined, ...sergeantHere, { type: "camera", on: false }]);
    expect(phaseOf(state)).toBe("connected");
    expect(shouldRunCamera(state)).toBe(false);
    expect(shouldSendVideo(state)).toBe(false);
    expect(officerView(state).localPlaceholder).toBe("Your camera is off");
    expect(officerView(state).advice).toBeNull();
  });
});

group("advice for a blocked camera or microphone", () => {
  it("names the right settings for what is missing", () => {
    const mic = mediaAdvice({ audio: false, video: true, cameraProblem: null, microphoneProblem: "denied" }, "android");
    expect(mic?.problem).toBe("The microphone is blocked for this site.");
    expect(mic?.first).toBe("android");
    expect(mic?.android[1]).toBe("Turn on Microphone.");
    const both = mediaAdvice(NOTHING, "other");
    expect(both?.problem).toBe("The camera and microphone are blocked for this site.");
    expect(both?.ios[1]).toBe("Set Camera and Microphone to “Allow”.");
    expect(both?.other.length).toBeGreaterThan(0);
  });

  it.each([
    ["busy", "Another app is using the camera."],
    ["missing", "No camera was found on this device."],
    ["unsupported", "This browser cannot use the camera on this page."],
    ["failed", "The camera could not start."],
  ] as const)("%s", (problem, text) => {
    const advice = mediaAdvice({ audio: true, video: false, cameraProblem: problem, microphoneProblem: null }, "ios");
    expect(advice?.problem).toBe(text);
    expect(advice?.ios.length).toBeGreaterThan(0);
    expect(advice?.android.length).toBeGreaterThan(0);
  });

  it("has nothing to say when both work", () => {
    expect(mediaAdvice(BOTH, "ios")).toBeNull();
  });

  it("tells the phones apart", () => {
    expect(platformOf("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1")).toBe("ios");
    expect(platformOf("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Safari/605.1.15", 5)).toBe("ios"); // an iPad
    expect(platformOf("Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/126.0 Mobile Safari/537.36")).toBe("android");
    expect(platformOf("Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0 Safari/537.36")).toBe("other");
  });
});

group("reconnecting, lost and ended", () => {
  it("says Reconnecting… while the SDK reconnects, and Connected when it is back", () => {
    const reconnecting = run([...joined, ...sergeantHere, { type: "connecting", reconnecting: true }]);
    expect(phaseOf(reconnecting)).toBe("reconnecting");
    const view = officerView(reconnecting);
    expect(view.message).toMatch(/^Reconnecting…/);
    expect(view.remotePlaceholder).toBe("Reconnecting…");
    expect(view.quality).toBeNull();
    expect(view.controls).toBe(true);
    expect(shouldSendVideo(reconnecting)).toBe(false);
    const back = reduce(reconnecting, { type: "started" }, T0 + 30_000);
    expect(officerView(back).message).toBe("Connected.");
  });

  it("says Reconnecting… at once when the browser goes offline, before the SDK notices", () => {
    const offline = run([...joined, ...sergeantHere, { type: "network", online: false }]);
    expect(phaseOf(offline)).toBe("reconnecting");
    expect(officerView(offline).message).toMatch(/^Reconnecting…/);
    expect(shouldSendVideo(offline)).toBe(false);
    const back = reduce(offline, { type: "network", online: true }, T0 + 20_000);
    expect(officerView(back).message).toBe("Connected.");
    expect(back.rejoin).toBeNull();
  });

  it("a first connection is not a reconnection", () => {
    const state = run([{ type: "tap" }, { type: "connecting", reconnecting: false }]);
    expect(phaseOf(state)).toBe("starting");
  });

  it("a fresh connection forgets an old poor one", () => {
    const state = run([...joined, ...sergeantHere, { type: "poor" }, { type: "connecting", reconnecting: true }, { type: "started" }]);
    expect(phaseOf(state)).toBe("connected");
  });

  it.each(["ConnectionHealthReconnect", "SignalingChannelClosedUnexpectedly", "TaskFailed", "ICEGatheringTimeoutWorkaround"])(
    "%s is lost: say so, offer Rejoin video",
    (status) => {
      const state = run([...joined, ...sergeantHere, { type: "connecting", reconnecting: true }, { type: "stopped", status }]);
      expect(isNormalEnd(status)).toBe(false);
      const view = officerView(state);
      expect(view.phase).toBe("lost");
      expect(view.message).toBe("The video call was lost: the connection did not come back in time.");
      expect(view.canRejoin).toBe(true);
      expect(view.controls).toBe(false);
      expect(shouldRunCamera(state)).toBe(false);
    },
  );

  it("a call that never connected says it could not connect", () => {
    const state = run([{ type: "tap" }, { type: "media", local: BOTH }, { type: "stopped", status: "SignalingBadRequest" }]);
    expect(officerView(state).message).toBe("The video call could not connect.");
    expect(officerView(state).canRejoin).toBe(true);
  });

  it.each([
    ["MeetingEnded", "The video call has ended."],
    ["AudioAttendeeRemoved", "You were removed from the video call."],
    ["AudioJoinedFromAnotherDevice", "This video call was opened on another tab or device, so it has ended here."],
  ])("%s is a normal end: no rejoin", (status, text) => {
    const state = run([...joined, { type: "stopped", status }]);
    const view = officerView(state);
    expect(view.phase).toBe("ended");
    expect(view.message).toBe(text);
    expect(view.canRejoin).toBe(false);
  });

  it("a stop after the end changes nothing", () => {
    const state = run([...joined, { type: "stopped", status: "MeetingEnded" }]);
    expect(reduce(state, { type: "stopped", status: "TaskFailed" }, T0)).toBe(state);
    expect(reduce(state, { type: "started" }, T0)).toBe(state);
  });
});

group("background and battery", () => {
  it("in the background: no camera, no video sent, remote video paused", () => {
    const state = run([...joined, ...sergeantHere, { type: "visibility", hidden: true }]);
    expect(shouldRunCamera(state)).toBe(false);
    expect(shouldSendVideo(state)).toBe(false);
    expect(shouldShowRemoteVideo(state)).toBe(false);
    expect(officerView(state).remotePlaceholder).toBe("Video paused while this page is in the background");
  });

  it("back: camera on again, and the person is told what happened", () => {
    const state = run([...joined, ...sergeantHere, [{ type: "visibility", hidden: true }, T0 + 10_000], [{ type: "visibility", hidden: false }, T0 + 40_000]]);
    expect(shouldSendVideo(state)).toBe(true);
    expect(shouldShowRemoteVideo(state)).toBe(true);
    expect(officerView(state, T0 + 41_000).message).toBe("Connected. You were away: your camera was paused and is back on.");
  });

  it("back after the SDK reconnected meanwhile: says the call reconnected", () => {
    const state = run([
      ...joined,
      ...sergeantHere,
      { type: "visibility", hidden: true },
      { type: "connecting", reconnecting: true },
      { type: "started" },
      [{ type: "visibility", hidden: false }, T0 + 50_000],
    ]);
    expect(officerView(state, T0 + 51_000).message).toBe("Connected. You were away; the call reconnected.");
  });

  it("back after the SDK gave up meanwhile: rejoins once by itself", () => {
    const state = run([
      ...joined,
      ...sergeantHere,
      { type: "visibility", hidden: true },
      { type: "stopped", status: "SignalingChannelClosedUnexpectedly" },
      { type: "visibility", hidden: false },
    ]);
    expect(state.rejoin).toBe("video.noticeAwayLost");
  });

  it("the automatic rejoin says why once connected, and may not rejoin by itself again before connecting", () => {
    const rejoined = run([{ type: "tap" }, { type: "media", local: BOTH }, [{ type: "started" }, T0 + 5_000]], {
      automatic: true,
      notice: "video.noticeAwayLost",
    });
    expect(officerView(rejoined, T0 + 6_000).message).toBe("Connected. You were away and the call was lost, so it was rejoined. Waiting for the control room to join the video…");
    const failedAgain = run(
      [{ type: "tap" }, { type: "visibility", hidden: true }, { type: "stopped", status: "TaskFailed" }, { type: "visibility", hidden: false }],
      { automatic: true },
    );
    expect(failedAgain.rejoin).toBeNull();
    expect(officerView(failedAgain).canRejoin).toBe(true);
  });

  it("lost while watching: no automatic rejoin (the button is there), but the network coming back rejoins once", () => {
    const lost = run([...joined, { type: "stopped", status: "TaskFailed" }]);
    expect(lost.rejoin).toBeNull();
    const offline = reduce(lost, { type: "network", online: false }, T0 + 80_000);
    expect(offline.rejoin).toBeNull();
    const online = reduce(offline, { type: "network", online: true }, T0 + 90_000);
    expect(online.rejoin).toBe("video.noticeOnline");
    const connected = run(joined);
    expect(reduce(connected, { type: "network", online: true }, T0)).toBe(connected); // already online: nothing happens
  });

  it("hidden before the call is not being away", () => {
    const state = run([{ type: "visibility", hidden: true }, { type: "visibility", hidden: false }]);
    expect(state.notice).toBeNull();
    expect(state.rejoin).toBeNull();
  });
});

group("what the console decides with", () => {
  it("remembers that the other side's video was shown", () => {
    const before = run([...joined, ...sergeantHere]);
    expect(consoleView(before).remoteSeen).toBe(false);
    expect(consoleView(reduce(before, { type: "remoteFrames" }, T0)).remoteSeen).toBe(true);
  });
});

group("the SDK's settings", () => {
  it("are the ones docs/web.md explains", () => {
    expect(CALL_SETTINGS.reconnectTimeoutMs).toBe(30_000);
    expect(CALL_SETTINGS.connectionTimeoutMs).toBe(15_000);
    expect(CALL_SETTINGS.connectionUnhealthyThreshold).toBe(8);
    expect(CALL_SETTINGS.poorConnectionCooldownMs).toBe(20_000);
    expect(CALL_SETTINGS.video).toEqual({ width: 640, height: 360, frameRate: 15, maxBandwidthKbps: 600 });
  });

  it("give up before the server's drop grace ends the check", () => {
    // docs/operations.md: the session is dropped DROP_GRACE_SECONDS (45) after AttendeeDropped,
    // which comes 10-15 s after the phone vanished: at 55 s at the earliest.
    const earliestDropMs = (10 + 45) * 1000;
    const sdkGivesUpMs = CALL_SETTINGS.connectionUnhealthyThreshold * 1000 + CALL_SETTINGS.reconnectTimeoutMs;
    expect(sdkGivesUpMs).toBeLessThan(earliestDropMs);
  });
});
