/**
 * A page for the emulator's conformance tests (tests/emulator/test_media_sdk.py), never shipped:
 * it joins one meeting with the pages' own VideoCall (web/src/shared/video.ts) and the unmodified
 * Chime SDK, and records what happens on `window.harness` for the test to read.
 */
import { VideoCall, type VideoStatus } from "../src/shared/video";
import type { ChimeAttendee, ChimeMeeting } from "../src/shared/types";

interface Harness {
  statuses: VideoStatus[];
  join(meeting: ChimeMeeting, attendee: ChimeAttendee): Promise<void>;
  leave(): Promise<void>;
}

let call: VideoCall | null = null;
const statuses: VideoStatus[] = [];
const element = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

const harness: Harness = {
  statuses,
  async join(meeting, attendee) {
    call = new VideoCall((status) => {
      statuses.push(status);
      element("status").textContent = status.message;
    });
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
