/** The sign-in form: only the officer app and the console load it (and Amplify with it). */
import { useEffect, useState } from "preact/hooks";

import { answerChallenge, currentClaims, endSession, SignInExpired, startSignIn, type SignInStep } from "./auth";
import type { Claims } from "./claims";
import type { AppConfig } from "./config";
import { ErrorMessage } from "./ui";

/** Sign-in with Cognito, through every step the pool may ask for (MFA code, MFA setup, new password). */
export function SignIn(props: { config: AppConfig; purpose: string; onSignedIn: (claims: Claims) => void }) {
  const [step, setStep] = useState<SignInStep | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const run = async (action: () => Promise<SignInStep>) => {
    setBusy(true);
    setError(null);
    try {
      const next = await action();
      if (next.kind === "signed_in") props.onSignedIn(next.claims);
      else setStep(next);
    } catch (err) {
      setError(err);
      if (err instanceof SignInExpired) setStep(null);
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const value = (name: string) => String(form.get(name) ?? "");
    if (step === null) void run(() => startSignIn(props.config, value("username"), value("password")));
    else if (step.kind === "new_password") void run(() => answerChallenge(value("new_password")));
    else void run(() => answerChallenge(value("code")));
  };

  return (
    <form class="panel signin" onSubmit={submit} aria-labelledby="signin-heading">
      <h1 id="signin-heading">Sign in</h1>
      <p>{props.purpose}</p>
      <ErrorMessage error={error} />
      {step === null ? (
        <>
          <label for="username">Username</label>
          <input id="username" name="username" autoComplete="username" required autoCapitalize="none" spellcheck={false} />
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autoComplete="current-password" required />
        </>
      ) : null}
      {step?.kind === "totp_code" ? (
        <>
          <label for="code">6-digit code from your authenticator app</label>
          <input id="code" name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]{6}" required />
        </>
      ) : null}
      {step?.kind === "totp_setup" ? (
        <>
          <p>
            Your account needs an authenticator app. Add this key to it, then type the 6-digit code it shows:
          </p>
          <p class="secret">
            <code>{step.secret}</code>
          </p>
          <p>
            <a href={step.uri}>Open in an authenticator app on this device</a>
          </p>
          <label for="code">6-digit code</label>
          <input id="code" name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]{6}" required />
        </>
      ) : null}
      {step?.kind === "new_password" ? (
        <>
          <label for="new_password">Choose a new password (at least 14 characters, with upper and lower case, a number and a symbol)</label>
          <input id="new_password" name="new_password" type="password" autoComplete="new-password" required minLength={14} />
        </>
      ) : null}
      {step?.kind === "unsupported" ? (
        <p class="error" role="alert">
          This sign-in step ({step.step}) is not supported here. Ask your administrator.
        </p>
      ) : null}
      <button type="submit" class="primary" disabled={busy}>
        {busy ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}


/**
 * Who is signed in: `undefined` while the stored session is read, then the claims or `null`.
 * `signOut` ends the Cognito session after `beforeSignOut` (e.g. forgetting a live session).
 */
export function useSignedIn(beforeSignOut?: () => void) {
  const [claims, setClaims] = useState<Claims | null | undefined>(undefined);
  useEffect(() => {
    void currentClaims().then(setClaims);
  }, []);
  const signOut = async () => {
    beforeSignOut?.();
    await endSession();
    setClaims(null);
  };
  return { claims, setClaims, signOut };
}

export function SignOutButton(props: { claims: Claims | null | undefined; onSignOut: () => Promise<void> }) {
  if (!props.claims) return null;
  return (
    <button type="button" class="link" onClick={() => void props.onSignOut()}>
      Sign out {props.claims.username}
    </button>
  );
}
