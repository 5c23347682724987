/**
 * Her record key: made on her phone, kept in this session until the server has it, shown once,
 * and kept on the phone only if she ticks the box (docs/web.md, "Her record"). In the main bundle:
 * the end of every stop needs it. What her record says is in `record.ts`, loaded with its screen.
 *
 * The key travels in a request body or the `X-Record-Key` header, never in a URL.
 */
import { ApiError } from "../shared/api";
import { ENGLISH, type Translator } from "../shared/i18n";
import { problemText } from "./model";

/** Crockford's base32: no I, L, O or U, so what she reads aloud or copies by hand survives. */
export const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** 26 characters of 5 bits: 130 bits from her phone's CSPRNG. */
export const RECORD_KEY_LENGTH = 26;

type Random = (bytes: Uint8Array<ArrayBuffer>) => Uint8Array<ArrayBuffer>;

/**
 * A new record key. Each byte's low 5 bits pick a character: 256 is a multiple of 32, so every
 * character is equally likely (no modulo bias).
 */
export function newRecordKey(random: Random = (bytes) => crypto.getRandomValues(bytes)): string {
  let key = "";
  for (const byte of random(new Uint8Array(RECORD_KEY_LENGTH))) key += CROCKFORD[byte & 31];
  return key;
}

/** The key to read and copy: groups of four with dashes (`7K3P-9XQ2-…-4M`). */
export function groupKey(key: string): string {
  return (key.match(/.{1,4}/g) ?? []).join("-");
}

/**
 * A key as she typed or pasted it, canonical: any case, spaces and dashes anywhere, and O, I, L
 * read as 0, 1, 1 (as the server reads them); null if it cannot be a key.
 */
export function normaliseKey(typed: string): string | null {
  const key = typed.replace(/[\s-]+/g, "").toUpperCase().replace(/[IL]/g, "1").replace(/O/g, "0");
  return key.length === RECORD_KEY_LENGTH && [...key].every((c) => CROCKFORD.includes(c)) ? key : null;
}

/** What "Keep it on this phone" stores, in localStorage: only if she ticks it. */
export const KEPT_RECORD = "safe-connection.record";

/** A key made but not yet acknowledged by the server, in sessionStorage: a retry sends the same. */
export const PENDING_KEY = "safe-connection.record-key.";

export interface KeptRecord {
  reference: string;
  key: string;
}

type Store = Pick<Storage, "getItem" | "setItem" | "removeItem">;

/** The browser's storage, or undefined where it is refused (a private window): nothing is kept. */
export function browserStorage(kind: "localStorage" | "sessionStorage"): Storage | undefined {
  try {
    return window[kind];
  } catch {
    return undefined;
  }
}

function tryStore<T>(act: () => T, otherwise: T): T {
  try {
    return act();
  } catch {
    return otherwise; // storage refused (a private window, full): this page load only
  }
}

/** The record kept on this phone, if she chose to keep one. */
export function keptRecord(storage: Store | undefined): KeptRecord | null {
  return tryStore(() => {
    const parsed = JSON.parse(storage?.getItem(KEPT_RECORD) ?? "null") as Partial<KeptRecord> | null;
    return typeof parsed?.reference === "string" && typeof parsed.key === "string" ? { reference: parsed.reference, key: parsed.key } : null;
  }, null);
}

/** Keep (or, unticked, forget) her record on this phone; true if it was done. */
export function keepOnPhone(storage: Store | undefined, record: KeptRecord, keep: boolean): boolean {
  return tryStore(() => {
    if (!storage) return false;
    if (keep) storage.setItem(KEPT_RECORD, JSON.stringify(record));
    else if (keptRecord(storage)?.reference === record.reference) storage.removeItem(KEPT_RECORD);
    return true;
  }, false);
}

/** The key for this stop: the one already made and not yet acknowledged, else a new one, noted. */
export function pendingKey(storage: Store | undefined, scope: string, make: () => string = newRecordKey): string {
  const name = PENDING_KEY + scope;
  const made = tryStore(() => storage?.getItem(name) ?? null, null);
  if (made && normaliseKey(made) === made) return made;
  const key = make();
  tryStore(() => storage?.setItem(name, key), undefined);
  return key;
}

/** The server has the key: nothing of it stays in the session. */
export function acknowledged(storage: Store | undefined, scope: string): void {
  tryStore(() => storage?.removeItem(PENDING_KEY + scope), undefined);
}

/** What went wrong keeping her record, in her words. */
export function keepProblem(error: unknown, tr: Translator = ENGLISH): string {
  if (error instanceof ApiError) {
    if (error.code === "record_key_taken") return tr.t("record.taken");
    return problemText(error, tr);
  }
  return tr.t("error.other");
}
