/** Words and numbers as people read them: codes, waiting times, clock times. */

// The public code's alphabet (no look-alikes: 0/O, 1/I/L) and length, from functions/domain/codes.py.
import { CODE_ALPHABET, CODE_LENGTH } from "./api.generated";
import { ENGLISH, type Translator } from "./i18n";

/** What she typed, made canonical: upper case, spaces and dashes removed. */
export function normaliseCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]+/g, "");
}

/** Why a typed code cannot be right, or null if it may be. Checked before any request is made. */
export function codeProblem(typed: string, tr: Translator = ENGLISH): string | null {
  const code = normaliseCode(typed);
  if (code.length === 0) return tr.t("code.empty");
  if (code.length !== CODE_LENGTH) return tr.t("code.length", { length: CODE_LENGTH, typed: code.length });
  const wrong = [...code].filter((c) => !CODE_ALPHABET.includes(c));
  if (wrong.length > 0) return tr.t("code.never", { letters: [...new Set(wrong)].join(", ") });
  return null;
}

/** `RBE6W5FW` → `RBE6-W5FW`, as the officer app shows it. */
export function formatCode(code: string): string {
  const canonical = normaliseCode(code);
  return canonical.length === CODE_LENGTH ? `${canonical.slice(0, 4)}-${canonical.slice(4)}` : canonical;
}

/** `125` → `2:05`; an hour or more → `1:02:05`. */
export function formatWaiting(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/** `125` → `2 minutes 5 seconds`, for screen readers. */
export function spokenWaiting(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const m = Math.floor(total / 60);
  const s = total % 60;
  const parts: string[] = [];
  if (m > 0) parts.push(`${m} minute${m === 1 ? "" : "s"}`);
  if (s > 0 || m === 0) parts.push(`${s} second${s === 1 ? "" : "s"}`);
  return parts.join(" ");
}

/** A timestamp as a local clock time, `21:04` (her page: `ENGLISH.time`'s sibling in her language). */
export function clockTime(iso: string | null | undefined, tr: Translator = ENGLISH): string {
  return tr.time(iso);
}
