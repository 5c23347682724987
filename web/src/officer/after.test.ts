import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { ENGLISH, LANGUAGES, loadCatalogue, translator } from "../shared/i18n";
import { followRecord, languageChoices, RECHECK_AFTER_MS, recordWords, sayToHer, settled, type RecordStatus } from "./after";
import { t } from "./messages";

describe("the sentence the officer shows her", () => {
  it("offers every language of her page, each named in itself", () => {
    const choices = languageChoices();
    expect(choices.map((c) => c.lang)).toEqual([...LANGUAGES]);
    expect(choices.map((c) => c.name)).toEqual(["English", "Cymraeg", "Polski", "Română", "বাংলা", "اردو", "العربية"]);
    expect(choices.filter((c) => c.dir === "rtl").map((c) => c.lang)).toEqual(["ur", "ar"]);
  });

  it("is her catalogue's say.typeThis in Polish, left to right, with the address and the code", async () => {
    const say = sayToHer(translator("pl", await loadCatalogue("pl")), "safe.police.uk", "ABCD-2345");
    expect(say).toEqual({
      lang: "pl",
      dir: "ltr",
      sentence: "Wpisz ten adres i ten kod na swoim telefonie.",
      address: "safe.police.uk",
      code: "ABCD-2345",
    });
  });

  it("is right to left in Arabic and Urdu", async () => {
    for (const lang of ["ar", "ur"] as const) {
      const say = sayToHer(translator(lang, await loadCatalogue(lang)), "a", "b");
      expect(say.dir).toBe("rtl");
      expect(say.lang).toBe(lang);
      expect(say.sentence).not.toBe(ENGLISH.t("say.typeThis"));
    }
  });

  it("is the English sentence, tagged en-GB, in English", () => {
    const say = sayToHer(ENGLISH, "a", "b");
    expect(say).toMatchObject({ lang: "en-GB", dir: "ltr", sentence: "Type this address and this code on your own phone." });
  });
});

describe("her record's status after the stop", () => {
  it("says whether she kept her record and left feedback, in the officer's words", () => {
    expect(recordWords({ reference: "SC-1", record_kept: false, feedback_left: false })).toEqual({
      record: "officer.after.recordNotKept",
      feedback: "officer.after.feedbackNone",
    });
    const both = recordWords({ reference: "SC-1", record_kept: true, feedback_left: true });
    expect(t(both.record)).toBe("She kept her record");
    expect(t(both.feedback)).toBe("She left feedback");
  });

  it("is settled only when both are done", () => {
    expect(settled(null)).toBe(false);
    expect(settled({ reference: "x", record_kept: true, feedback_left: false })).toBe(false);
    expect(settled({ reference: "x", record_kept: true, feedback_left: true })).toBe(true);
  });

  describe("following it", () => {
    beforeEach(() => {
      vi.useFakeTimers();
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    const status = (feedback: boolean): RecordStatus => ({ reference: "SC-1", record_kept: true, feedback_left: feedback });

    it("asks at once, then a few times minutes apart, and then stops", async () => {
      const fetch = vi.fn(() => Promise.resolve(status(false)));
      const onValue = vi.fn();
      const follow = followRecord(fetch, { onValue, onError: vi.fn() }, [30_000, 120_000]);
      await vi.advanceTimersByTimeAsync(0);
      expect(fetch).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(29_999);
      expect(fetch).toHaveBeenCalledTimes(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(fetch).toHaveBeenCalledTimes(2);
      await vi.advanceTimersByTimeAsync(120_000);
      expect(fetch).toHaveBeenCalledTimes(3);
      await vi.advanceTimersByTimeAsync(3_600_000);
      expect(fetch).toHaveBeenCalledTimes(3);
      expect(onValue).toHaveBeenCalledTimes(3);
      follow.stop();
    });

    it("never asks more than a handful of times by default", async () => {
      const fetch = vi.fn(() => Promise.resolve(status(false)));
      const follow = followRecord(fetch, { onValue: vi.fn(), onError: vi.fn() });
      await vi.advanceTimersByTimeAsync(24 * 3_600_000);
      expect(fetch).toHaveBeenCalledTimes(1 + RECHECK_AFTER_MS.length);
      expect(Math.min(...RECHECK_AFTER_MS)).toBeGreaterThanOrEqual(30_000);
      follow.stop();
    });

    it("stops once she has kept her record and left feedback", async () => {
      const fetch = vi.fn(() => Promise.resolve(status(true)));
      const follow = followRecord(fetch, { onValue: vi.fn(), onError: vi.fn() }, [1_000, 1_000]);
      await vi.advanceTimersByTimeAsync(10_000);
      expect(fetch).toHaveBeenCalledTimes(1);
      follow.stop();
    });

    it("asks again at once on Check again, one request at a time, and reports a failure", async () => {
      let answer: (value: RecordStatus) => void = () => undefined;
      const fetch = vi
        .fn<() => Promise<RecordStatus>>()
        .mockReturnValueOnce(Promise.reject(new Error("offline")))
        .mockImplementation(() => new Promise((resolve) => (answer = resolve)));
      const onError = vi.fn();
      const onValue = vi.fn();
      const follow = followRecord(fetch, { onValue, onError }, [60_000]);
      await vi.advanceTimersByTimeAsync(0);
      expect(onError).toHaveBeenCalledTimes(1);
      follow.again();
      follow.again(); // still waiting for the first: not a second request
      expect(fetch).toHaveBeenCalledTimes(2);
      answer(status(true));
      await vi.advanceTimersByTimeAsync(0);
      expect(onValue).toHaveBeenCalledWith(status(true));
      await vi.advanceTimersByTimeAsync(120_000);
      expect(fetch).toHaveBeenCalledTimes(2);
      follow.stop();
    });

    it("says nothing after stop", async () => {
      let answer: (value: RecordStatus) => void = () => undefined;
      const fetch = vi.fn(() => new Promise<RecordStatus>((resolve) => (answer = resolve)));
      const onValue = vi.fn();
      const follow = followRecord(fetch, { onValue, onError: vi.fn() });
      follow.stop();
      answer(status(false));
      await vi.advanceTimersByTimeAsync(600_000);
      expect(onValue).not.toHaveBeenCalled();
      expect(fetch).toHaveBeenCalledTimes(1);
    });
  });
});
