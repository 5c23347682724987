import { describe as group, expect, it } from "vitest";

import { mediaAdvice } from "./advice";
import { initialCall } from "./call";
import { catalogueCallWords, describe, englishCallWords } from "./callview";
import { codeProblem } from "./format";
import {
  chooseLanguage,
  ENGLISH,
  fill,
  LANGUAGE_INFO,
  LANGUAGES,
  loadCatalogue,
  placeholders,
  translator,
  type Catalogue,
  type Lang,
} from "./i18n";
import { messages as english } from "./messages/en";
import { herStatus } from "./states";

const catalogues = Object.fromEntries(
  await Promise.all(LANGUAGES.map(async (lang) => [lang, await loadCatalogue(lang)] as const)),
) as Record<Lang, Catalogue>;
const translated = LANGUAGES.filter((lang) => lang !== "en");
const englishKeys = Object.keys(english).sort();

/** Words that are the same in English and that language (or a phone's English setting name). */
const SAME_AS_ENGLISH: Partial<Record<Lang, string[]>> = {
  cy: ["error.prefix", "media.camera", "media.settingCamera", "media.settingMicrophone"],
  pl: ["error.prefix"],
  ro: ["media.camera"],
  bn: ["media.settingCamera", "media.settingMicrophone"],
  ur: ["media.settingCamera", "media.settingMicrophone"],
};

group("the catalogues", () => {
  it.each(translated)("%s has exactly the English keys, none of them empty", (lang) => {
    const messages: Record<string, string> = catalogues[lang].messages;
    expect(Object.keys(messages).sort()).toEqual(englishKeys);
    expect(Object.entries(messages).filter(([, text]) => text.trim() === "")).toEqual([]);
  });

  it.each(translated)("%s has the same {placeholders} in every message", (lang) => {
    const messages: Record<string, string> = catalogues[lang].messages;
    const wrong = englishKeys.filter((key) => placeholders(messages[key] ?? "").join() !== placeholders(english[key as keyof typeof english]).join());
    expect(wrong).toEqual([]);
  });

  it.each(translated)("%s is translated, not English left in place", (lang) => {
    const messages: Record<string, string> = catalogues[lang].messages;
    const same = englishKeys.filter((key) => messages[key] === english[key as keyof typeof english]);
    expect(same).toEqual(SAME_AS_ENGLISH[lang] ?? []);
  });

  it.each(translated)("%s keeps 999 wherever English says it", (lang) => {
    const messages: Record<string, string> = catalogues[lang].messages;
    const lost = englishKeys.filter((key) => english[key as keyof typeof english].includes("999") && !messages[key]?.includes("999"));
    expect(lost).toEqual([]);
    expect(messages["page.documentTitle"]).toContain("Safe Connection");
  });

  it("says which catalogues a native speaker has not reviewed", () => {
    expect(catalogues.en.reviewed).toBe(true);
    expect(translated.filter((lang) => catalogues[lang].reviewed)).toEqual([]);
  });

  it("her video call speaks her language: the status line and the camera advice", () => {
    const welsh = translator("cy", catalogues.cy);
    const view = describe(initialCall(), catalogueCallWords(welsh), 0, "ios", welsh);
    expect(view.message).toBe(welsh.t("video.ready"));
    const blocked = mediaAdvice({ audio: true, video: false, cameraProblem: "denied", microphoneProblem: null }, "ios", welsh);
    expect(blocked?.problem).toBe("Mae'r camera wedi'i rwystro ar gyfer y wefan hon.");
    expect(blocked?.ios[1]).toBe("Gosodwch Camera i “Allow”.");
  });

  it("her call's words about the control room are, in English, those the other faces build", () => {
    expect(catalogueCallWords(ENGLISH)).toEqual(englishCallWords("Control room"));
    expect(ENGLISH.t("call.remote")).toBe("Control room");
  });
});

group("choosing the language", () => {
  it("takes the first of the browser's languages that we have", () => {
    expect(chooseLanguage(["pl-PL", "en-GB"], null)).toBe("pl");
    expect(chooseLanguage(["de-DE", "ro", "en"], null)).toBe("ro");
    expect(chooseLanguage(["ar-EG"], null)).toBe("ar");
  });

  it("reads a region tag as its language", () => {
    expect(chooseLanguage(["cy-GB"], null)).toBe("cy");
    expect(chooseLanguage(["ur_PK"], null)).toBe("ur");
    expect(chooseLanguage(["BN-bd"], null)).toBe("bn");
  });

  it("her stored choice wins over the browser", () => {
    expect(chooseLanguage(["cy-GB"], "ar")).toBe("ar");
    expect(chooseLanguage(["cy-GB"], "en")).toBe("en");
  });

  it("an unknown language, or an unknown stored value, falls back", () => {
    expect(chooseLanguage(["de-DE", "fr"], null)).toBe("en");
    expect(chooseLanguage([], null)).toBe("en");
    expect(chooseLanguage(undefined, undefined)).toBe("en");
    expect(chooseLanguage(["pl"], "xx")).toBe("pl");
    expect(chooseLanguage(["zz"], "klingon")).toBe("en");
  });

  it("right to left for Arabic and Urdu only", () => {
    expect(LANGUAGES.filter((lang) => LANGUAGE_INFO[lang].dir === "rtl")).toEqual(["ur", "ar"]);
  });
});

group("words, numbers and dates in each language", () => {
  const at = "2026-12-03T21:04:00Z";
  const tr = (lang: Lang) => translator(lang, catalogues[lang]);

  it("fills placeholders and leaves unknown ones visible", () => {
    expect(fill("Try in {minutes} minutes {x}", { minutes: 3 }, String)).toBe("Try in 3 minutes {x}");
  });

  it("formats a clock time per language", () => {
    // Node's Intl with the machine's zone: compare with Intl itself, and check the language shows.
    expect(tr("en").time(at)).toBe(new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit" }).format(new Date(at)));
    expect(tr("en").time(at)).toMatch(/^\d\d:\d\d$/);
    expect(tr("ar").time(at)).toMatch(/[صم]/); // Arabic AM/PM
    expect(tr("ar").time(at)).toMatch(/\d/); // with the digits she compares with 999 and the codes
    expect(tr("pl").time(null)).toBe("");
    expect(tr("pl").time("not a time")).toBe("");
  });

  it("formats a date with the language's month names", () => {
    expect(tr("en").dateTime(at)).toMatch(/December 2026/);
    expect(tr("cy").dateTime(at)).toMatch(/Rhagfyr 2026/);
    expect(tr("pl").dateTime(at)).toMatch(/grudnia 2026/);
    expect(tr("ro").dateTime(at)).toMatch(/decembrie 2026/);
    expect(tr("bn").dateTime(at)).toMatch(/ডিসেম্বর/);
    expect(tr("ur").dateTime(at)).toMatch(/دسمبر/);
    expect(tr("ar").dateTime(at)).toMatch(/ديسمبر/);
  });

  it("puts numbers into sentences as the language writes them", () => {
    expect(codeProblem("ABC", tr("cy"))).toBe("Mae gan y cod 8 nod; rydych chi wedi teipio 3.");
    expect(codeProblem("ABC", tr("pl"))).toContain("8");
    expect(tr("en").number(1234)).toBe("1234");
  });

  it("her page's state is in her language; the API's English message only in English", () => {
    const view = { state: "claimed" as const, message: "A sergeant in the control room is on the video call now." };
    expect(herStatus(view).detail).toBe(view.message);
    expect(herStatus(view, tr("cy"))).toMatchObject({ headline: "Mae rhingyll yn gwirio'r swyddog hwn nawr" });
    expect(herStatus(view, tr("cy")).detail).not.toBe(view.message);
    expect(herStatus({ state: "verified", message: "" }, tr("ar")).headline).toBe("تم التحقق: هذا ضابط شرطة");
  });
});
