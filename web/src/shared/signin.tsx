/** The sign-in form: only the officer app and the console load it (and Amplify with it). */
import { useEffect, useState } from "preact/hooks";

import { answerChallenge, currentClaims, endSession, SignInExpired, startSignIn, type SignInStep } from "./auth";
import type { Claims } from "./claims";
import type { AppConfig } from "./config";
import { t } from "./staff-messages";
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
      <h1 id="signin-heading">{t("staff.signIn.heading")}</h1>
      <p>{props.purpose}</p>
      <ErrorMessage error={error} />
      {step === null ? (
        <>
          <label for="username">{t("staff.signIn.username")}</label>
          <input id="username" name="username" autoComplete="username" required autoCapitalize="none" spellcheck={false} />
          <label for="password">{t("staff.signIn.password")}</label>
          <input id="password" name="password" type="password" autoComplete="current-password" required />
        </>
      ) : null}
      {step?.kind === "totp_code" ? (
        <>
          <label for="code">{t("staff.signIn.totpCode")}</label>
          <input id="code" name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]{6}" required />
        </>
      ) : null}
      {step?.kind === "totp_setup" ? (
        <>
          <p>{t("staff.signIn.totpSetup")}</p>
          <p class="secret">
            <code>{step.secret}</code>
          </p>
          <p>
            <a href={step.uri}>{t("staff.signIn.totpLink")}</a>
          </p>
          <label for="code">{t("staff.signIn.totpSetupCode")}</label>
          <input id="code" name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]{6}" required />
        </>
      ) : null}
      {step?.kind === "new_password" ? (
        <>
          <label for="new_password">{t("staff.signIn.newPassword")}</label>
          <input id="new_password" name="new_password" type="password" autoComplete="new-password" required minLength={14} />
        </>
      ) : null}
      {step?.kind === "unsupported" ? (
        <p class="error" role="alert">
          {t("staff.signIn.unsupported", { step: step.step })}
        </p>
      ) : null}
      <button type="submit" class="primary" disabled={busy}>
        {busy ? t("staff.signIn.busy") : t("staff.signIn.submit")}
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
      {t("staff.signOut", { username: props.claims.username })}
    </button>
  );
}
