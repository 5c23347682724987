/**
 * The staff faces' words (docs/web.md, "Languages"): the officer app and the console stay
 * English-first, so each has one English catalogue (`officer/messages.ts`, `console/messages.ts`)
 * and this file has the words of the components only they share (sign-in, sign-out).
 *
 * Looked up with i18n.ts's own filler through `lookup`, so there is one mechanism: typed keys and
 * `{placeholders}`. Keys carry their catalogue's prefix (`staff.`, `officer.`, `console.`), which
 * `staff-strings.test.ts` uses to check every key a page uses exists where it says.
 */
import { ENGLISH, fill, type Params } from "./i18n";

/** A typed lookup over one English catalogue: a key it lacks does not compile. */
export function lookup<K extends string>(catalogue: Readonly<Record<K, string>>): (key: K, params?: Params) => string {
  return (key, params) => fill(catalogue[key], params, ENGLISH.number);
}

export const messages = {
  "staff.signIn.heading": "Sign in",
  "staff.signIn.username": "Username",
  "staff.signIn.password": "Password",
  "staff.signIn.totpCode": "6-digit code from your authenticator app",
  "staff.signIn.totpSetup": "Your account needs an authenticator app. Add this key to it, then type the 6-digit code it shows:",
  "staff.signIn.totpLink": "Open in an authenticator app on this device",
  "staff.signIn.totpSetupCode": "6-digit code",
  "staff.signIn.newPassword":
    "Choose a new password (at least 14 characters, with upper and lower case, a number and a symbol)",
  "staff.signIn.unsupported": "This sign-in step ({step}) is not supported here. Ask your administrator.",
  "staff.signIn.busy": "Signing in…",
  "staff.signIn.submit": "Sign in",
  "staff.signOut": "Sign out {username}",
} as const satisfies Record<string, string>;

export type StaffKey = keyof typeof messages;

export const t = lookup<StaffKey>(messages);
