import { describe as group, expect, it } from "vitest";

import { AUDIO_PACKETS_PER_SECOND, audioTotals, ReceptionMeter, RECEPTION_WINDOW_MS } from "./reception";

/** Feed the meter one sample a second for `seconds`, at `rate` packets a second with `lostShare` lost. */
function feed(meter: ReceptionMeter, from: number, seconds: number, rate: number, lostShare = 0, start = { received: 0, lost: 0 }) {
  let verdict: boolean | null = null;
  const totals = { ...start };
  for (let i = 0; i <= seconds; i += 1) {
    verdict = meter.add(from + i * 1000, { ...totals });
    totals.received += Math.round(rate * (1 - lostShare));
    totals.lost += Math.round(rate * lostShare);
  }
  return { verdict, totals };
}

group("audioTotals", () => {
  it("sums every audio inbound-rtp entry and ignores the rest", () => {
    const report = new Map<string, unknown>([
      ["a", { type: "inbound-rtp", kind: "audio", packetsReceived: 100, packetsLost: 4 }],
      ["b", { type: "inbound-rtp", kind: "audio", packetsReceived: 20, packetsLost: -1 }], // a duplicate counted as lost < 0
      ["v", { type: "inbound-rtp", kind: "video", packetsReceived: 900, packetsLost: 50 }],
      ["o", { type: "outbound-rtp", kind: "audio", packetsSent: 300 }],
    ]);
    expect(audioTotals(report.values())).toEqual({ received: 120, lost: 4 });
    expect(audioTotals(report)).toEqual({ received: 120, lost: 4 }); // [id, stats] pairs too
  });

  it("is null when nothing audio is received", () => {
    expect(audioTotals([{ type: "outbound-rtp", kind: "audio" }])).toBeNull();
  });
});

group("ReceptionMeter", () => {
  it("says nothing until it has a whole window", () => {
    const meter = new ReceptionMeter();
    expect(feed(meter, 0, RECEPTION_WINDOW_MS / 1000 - 1, AUDIO_PACKETS_PER_SECOND).verdict).toBeNull();
  });

  it("is good while audio arrives at the rate it is sent", () => {
    expect(feed(new ReceptionMeter(), 0, 10, AUDIO_PACKETS_PER_SECOND).verdict).toBe(true);
  });

  it("is bad when a fifth or more of the audio does not arrive, or a tenth is lost", () => {
    expect(feed(new ReceptionMeter(), 0, 10, AUDIO_PACKETS_PER_SECOND * 0.7).verdict).toBe(false);
    expect(feed(new ReceptionMeter(), 0, 10, AUDIO_PACKETS_PER_SECOND, 0.15).verdict).toBe(false);
    expect(feed(new ReceptionMeter(), 0, 10, 0).verdict).toBe(false);
  });

  it("follows a change within a window", () => {
    const meter = new ReceptionMeter();
    const { totals } = feed(meter, 0, 10, AUDIO_PACKETS_PER_SECOND);
    const after = feed(meter, 11_000, RECEPTION_WINDOW_MS / 1000, 0, 0, totals);
    expect(after.verdict).toBe(false);
  });

  it("starts again when the counters do (a new peer connection)", () => {
    const meter = new ReceptionMeter();
    feed(meter, 0, 10, AUDIO_PACKETS_PER_SECOND);
    expect(meter.add(11_000, { received: 5, lost: 0 })).toBeNull();
    expect(meter.add(12_000, null)).toBeNull();
  });
});
