/**
 * Message catalogues for her page and her own call: which language, its words, its dates and
 * numbers (docs/web.md, "Languages"). A hand-written lookup with typed keys: no library earned
 * its size on a page that must load fast on a poor phone signal.
 *
 * English is the source (`messages/en.ts`) and is always in the bundle; every other catalogue is
 * its own chunk, fetched when chosen.
 */
import { createContext } from "preact";
import { useContext } from "preact/hooks";

import { messages as english, type MessageKey } from "./messages/en";

export type { MessageKey };

export const LANGUAGES = ["en", "cy", "pl", "ro", "bn", "ur", "ar"] as const;
export type Lang = (typeof LANGUAGES)[number];

/** Each language named in itself (the switcher), its writing direction and its Intl locale. */
export const LANGUAGE_INFO: Record<Lang, { name: string; dir: "ltr" | "rtl"; locale: string }> = {
  en: { name: "English", dir: "ltr", locale: "en-GB" },
  cy: { name: "Cymraeg", dir: "ltr", locale: "cy-GB" },
  pl: { name: "Polski", dir: "ltr", locale: "pl" },
  ro: { name: "Română", dir: "ltr", locale: "ro" },
  bn: { name: "বাংলা", dir: "ltr", locale: "bn-u-nu-latn" },
  ur: { name: "اردو", dir: "rtl", locale: "ur" },
  ar: { name: "العربية", dir: "rtl", locale: "ar-u-nu-latn" },
};

/** A catalogue: every key of the English one, and whether a native speaker has checked it. */
export interface Catalogue {
  /** False until a native speaker has read every message for meaning (docs/web.md lists which). */
  readonly reviewed: boolean;
  readonly messages: Readonly<Record<MessageKey, string>>;
}

export const ENGLISH_CATALOGUE: Catalogue = { reviewed: true, messages: english };

/** Where her own choice is kept on her phone. */
export const STORAGE_KEY = "safe-connection.language";

function isLang(value: string): value is Lang {
  return (LANGUAGES as readonly string[]).includes(value);
}

/**
 * The page's language: her stored choice if it is one we have, else the first of the browser's
 * languages we have (`navigator.languages` follows Accept-Language; `cy-GB` is `cy`), else English.
 */
export function chooseLanguage(preferred: readonly string[] | undefined, stored: string | null | undefined): Lang {
  if (stored && isLang(stored)) return stored;
  for (const tag of preferred ?? []) {
    const primary = tag.trim().toLowerCase().split(/[-_]/)[0] ?? "";
    if (isLang(primary)) return primary;
  }
  return "en";
}

export type Params = Record<string, string | number>;

/** The words, dates and numbers of one language. */
export interface Translator {
  readonly lang: Lang;
  readonly dir: "ltr" | "rtl";
  readonly locale: string;
  /** The message, its `{placeholders}` filled; numbers are formatted for the language. */
  t(key: MessageKey, params?: Params): string;
  /** A number as the language writes it. */
  number(value: number): string;
  /** A timestamp as a local clock time (`21:04`, `٩:٠٤ م`), or "" when there is none. */
  time(iso: string | null | undefined): string;
  /** A timestamp as a date and clock time, for a record she keeps. */
  dateTime(iso: string | null | undefined): string;
}

export function fill(template: string, params: Params | undefined, number: (value: number) => string): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === "number" ? number(value) : value;
  });
}

/** The `{placeholders}` a message expects, sorted. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? "").sort();
}

function parsed(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function translator(lang: Lang, catalogue: Catalogue = ENGLISH_CATALOGUE): Translator {
  const { dir, locale } = LANGUAGE_INFO[lang];
  const numbers = new Intl.NumberFormat(locale, { useGrouping: false });
  const clock = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit" });
  const full = new Intl.DateTimeFormat(locale, { dateStyle: "long", timeStyle: "short" });
  const number = (value: number) => numbers.format(value);
  return {
    lang,
    dir,
    locale,
    // A key missing at run time (a stale cached chunk) falls back to English, never to the key.
    t: (key, params) => fill(catalogue.messages[key] ?? english[key], params, number),
    number,
    time: (iso) => {
      const date = parsed(iso);
      return date ? clock.format(date) : "";
    },
    dateTime: (iso) => {
      const date = parsed(iso);
      return date ? full.format(date) : "";
    },
  };
}

/** English: the officer app, the console, and her page until she chooses otherwise. */
export const ENGLISH: Translator = translator("en");

/** Fetch a language's catalogue (each its own chunk); English is already here. */
export async function loadCatalogue(lang: Lang): Promise<Catalogue> {
  switch (lang) {
    case "en":
      return ENGLISH_CATALOGUE;
    case "cy":
      return (await import("./messages/cy")).catalogue;
    case "pl":
      return (await import("./messages/pl")).catalogue;
    case "ro":
      return (await import("./messages/ro")).catalogue;
    case "bn":
      return (await import("./messages/bn")).catalogue;
    case "ur":
      return (await import("./messages/ur")).catalogue;
    case "ar":
      return (await import("./messages/ar")).catalogue;
  }
}

/** The translator the shared components use: English unless a page provides another. */
export const I18n = createContext<Translator>(ENGLISH);

export function useT(): Translator {
  return useContext(I18n);
}
