/**
 * How well our own phone receives the call's audio, measured from the peer connection's own
 * statistics (unit-tested in reception.test.ts).
 *
 * The Chime SDK says a connection is poor from the audio it received over its last 15 s, and
 * only when that changes. After some reconnections SDK 3.32 goes on reading a stream that has
 * gone, and says "poor" for ever; at the start of a call its window still holds the silence
 * before the other side arrived; and during our own short outage it counts the gap. The call
 * model (call.ts) believes its warning only when this measurement agrees: audio that the other
 * side sends does not arrive well now.
 */

/** Opus in 20 ms packets: what a sender sends each second (the SDK assumes the same, `packetsExpected`). */
export const AUDIO_PACKETS_PER_SECOND = 50;
/** The window judged: long enough to hear a pattern, short enough to follow a change. */
export const RECEPTION_WINDOW_MS = 5_000;
/** Arriving well: at least this share of what was sent... */
export const WELL_RECEIVED_SHARE = 0.8;
/** ...and this little of it lost on the way. */
export const WELL_RECEIVED_MAX_LOSS = 0.1;

/** Running totals of received audio packets, as `inbound-rtp` reports them. */
export interface AudioTotals {
  received: number;
  lost: number;
}

/** The sum of every audio `inbound-rtp` entry of a stats report; null if it has none. */
export function audioTotals(report: Iterable<unknown>): AudioTotals | null {
  let found = false;
  let received = 0;
  let lost = 0;
  for (const entry of report) {
    const stats = (Array.isArray(entry) ? entry[1] : entry) as Record<string, unknown> | null;
    if (!stats || stats.type !== "inbound-rtp" || (stats.kind ?? stats.mediaType) !== "audio") continue;
    found = true;
    received += typeof stats.packetsReceived === "number" ? stats.packetsReceived : 0;
    lost += typeof stats.packetsLost === "number" ? Math.max(0, stats.packetsLost) : 0;
  }
  return found ? { received, lost } : null;
}

/**
 * Samples of the totals, and the verdict over the last window: true (audio arrives well), false
 * (it does not), null (not measured for a whole window yet).
 */
export class ReceptionMeter {
  private samples: { at: number; totals: AudioTotals }[] = [];

  add(at: number, totals: AudioTotals | null): boolean | null {
    if (totals === null) {
      this.samples = [];
      return null;
    }
    const last = this.samples[this.samples.length - 1];
    // A new peer connection (a reconnection) counts from zero again: judge from here on.
    if (last && totals.received < last.totals.received) this.samples = [];
    this.samples.push({ at, totals });
    // Keep one sample at or before the window's start: the baseline it is counted from.
    while (this.samples.length > 1 && this.samples[1].at <= at - RECEPTION_WINDOW_MS) this.samples.shift();
    const first = this.samples[0];
    const span = at - first.at;
    if (span < RECEPTION_WINDOW_MS) return null;
    const received = totals.received - first.totals.received;
    const lost = Math.max(0, totals.lost - first.totals.lost);
    const expected = (AUDIO_PACKETS_PER_SECOND * span) / 1000;
    const lossShare = received + lost > 0 ? lost / (received + lost) : 1;
    return received >= WELL_RECEIVED_SHARE * expected && lossShare < WELL_RECEIVED_MAX_LOSS;
  }
}
