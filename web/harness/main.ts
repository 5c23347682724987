/**
 * A page for the emulator's conformance tests (tests/emulator/test_media_browser.py) and
 * `python -m bench.media`, never shipped: it joins one meeting with the pages' own VideoCall
 * (web/src/shared/video.ts) and the unmodified Chime SDK, and records on `window.harness` what
 * each end would show (the pages' own `describe`), for the test to read.
 */
import { describe, type CallView } from "../src/shared/callview";
import { VideoCall } from "../src/shared/video";
import type { ChimeAttendee, ChimeMeeting } from "../src/shared/types";

interface Harness {
  statuses: CallView[];
  join(meeting: ChimeMeeting, attendee: ChimeAttendee): Promise<void>;
  leave(): Promise<void>;
}

let call: VideoCall | null = null;
const statuses: CallView[] = [];
const element = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const harness: Harness = {
  statuses,
  async join(meeting, attendee) {
    call = new VideoCall(
      attendee.AttendeeId,
      (state) => {
        const view = describe(state, "Other side", Date.now());
        statuses.push(view);
        element("status").textContent = view.message;
      },
      (notice) => {
        element("status").textContent = notice;
      },
    );
    await call.join(meeting, attendee, {
      local: element<HTMLVideoElement>("local"),
      remote: element<HTMLVideoElement>("remote"),
      audio: element<HTMLAudioElement>("audio"),
    });
  },
  async leave() {
    await call?.leave();
  },
};

(window as unknown as { harness: Harness }).harness = harness;
