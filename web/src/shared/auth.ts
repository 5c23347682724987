/**
 * Signing in with Cognito, through AWS Amplify's auth library (the maintained one).
 *
 * Deployed, the user pool requires TOTP MFA and allows only `USER_SRP_AUTH` (the password never
 * leaves the device). Locally, moto cannot check an SRP proof (it answers with a random `B` and
 * accepts any signature), so the local stack's config asks for `USER_PASSWORD_AUTH`, which moto
 * does check. Either way the page only sees the steps below.
 */
import { Amplify } from "aws-amplify";
import {
  confirmSignIn,
  fetchAuthSession,
  signIn,
  signOut,
  type SignInOutput,
} from "aws-amplify/auth";
import { cognitoUserPoolsTokenProvider } from "aws-amplify/auth/cognito";
import { sessionStorage as amplifySessionStorage, defaultStorage } from "aws-amplify/utils";

import type { AppConfig } from "./config";
import { type Claims, decodeClaims } from "./claims";

export type SignInStep =
  | { kind: "signed_in"; claims: Claims }
  | { kind: "totp_code" }
  | { kind: "totp_setup"; secret: string; uri: string }
  | { kind: "new_password" }
  | { kind: "unsupported"; step: string };

export class SignInError extends Error {}

export type AppClient = "officer" | "console";

/**
 * Configure Amplify for one face. The console keeps tokens for the browser tab only (shared
 * control-room machines); the officer app keeps them for the shift on the officer's own phone.
 */
export function configureAuth(config: AppConfig, client: AppClient): void {
  Amplify.configure({
    Auth: {
      Cognito: {
        userPoolId: config.userPoolId,
        userPoolClientId: client === "officer" ? config.officerClientId : config.consoleClientId,
        ...(config.cognitoEndpoint ? { userPoolEndpoint: config.cognitoEndpoint } : {}),
      },
    },
  });
  cognitoUserPoolsTokenProvider.setKeyValueStorage(client === "console" ? amplifySessionStorage : defaultStorage);
}

function authFlow(config: AppConfig): "USER_SRP_AUTH" | "USER_PASSWORD_AUTH" {
  return config.authFlow === "USER_PASSWORD_AUTH" ? "USER_PASSWORD_AUTH" : "USER_SRP_AUTH";
}

async function stepFrom(output: SignInOutput, issuer: string): Promise<SignInStep> {
  const step = output.nextStep;
  switch (step.signInStep) {
    case "DONE": {
      const claims = await currentClaims();
      if (!claims) throw new SignInError("Signed in, but no ID token was issued.");
      return { kind: "signed_in", claims };
    }
    case "CONFIRM_SIGN_IN_WITH_TOTP_CODE":
      return { kind: "totp_code" };
    case "CONTINUE_SIGN_IN_WITH_TOTP_SETUP":
      return {
        kind: "totp_setup",
        secret: step.totpSetupDetails.sharedSecret,
        uri: step.totpSetupDetails.getSetupUri(issuer).toString(),
      };
    case "CONTINUE_SIGN_IN_WITH_MFA_SETUP_SELECTION":
      // TOTP is the only second factor the pool offers: choose it and go on to its setup.
      return stepFrom(await confirmSignIn({ challengeResponse: "TOTP" }), issuer);
    case "CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED":
      return { kind: "new_password" };
    default:
      return { kind: "unsupported", step: step.signInStep };
  }
}

/** A Cognito challenge session (about 3 minutes) ran out: the form must start from the top. */
export class SignInExpired extends SignInError {}

function explain(error: unknown, duringChallenge = false): SignInError {
  const name = (error as { name?: string })?.name ?? "";
  if (duringChallenge && (name === "NotAuthorizedException" || name === "ExpiredCodeException")) {
    return new SignInExpired("Signing in took too long and has timed out. Start again with your username and password.");
  }
  if (name === "NotAuthorizedException" || name === "UserNotFoundException") {
    return new SignInError("The username or password is wrong.");
  }
  if (name === "CodeMismatchException" || name === "EnableSoftwareTokenMFAException") {
    return new SignInError("That code is wrong or has expired. Use the newest code from your authenticator app.");
  }
  if (name === "InvalidPasswordException") {
    return new SignInError((error as Error).message || "The new password does not meet the rules.");
  }
  if (name === "NetworkError" || error instanceof TypeError) {
    return new SignInError("No connection to the sign-in service. Check your signal and try again.");
  }
  return new SignInError((error as Error)?.message || "Signing in failed.");
}

/** Start signing in (any earlier sign-in in this browser is ended first). */
export async function startSignIn(config: AppConfig, username: string, password: string): Promise<SignInStep> {
  try {
    await signOut().catch(() => undefined);
    const output = await signIn({
      username: username.trim(),
      password,
      options: { authFlowType: authFlow(config) },
    });
    return await stepFrom(output, "Safe Connection");
  } catch (error) {
    throw explain(error);
  }
}

/** Answer the current challenge: a TOTP code, the code that proves a new TOTP setup, or a new password. */
export async function answerChallenge(response: string): Promise<SignInStep> {
  try {
    return await stepFrom(await confirmSignIn({ challengeResponse: response.trim() }), "Safe Connection");
  } catch (error) {
    throw explain(error, true);
  }
}

/** The signed-in user's ID token, refreshed when it is close to expiry; null when signed out. */
export async function idToken(): Promise<string | null> {
  try {
    const session = await fetchAuthSession();
    return session.tokens?.idToken?.toString() ?? null;
  } catch {
    return null;
  }
}

export async function currentClaims(): Promise<Claims | null> {
  const token = await idToken();
  return token ? decodeClaims(token) : null;
}

export async function endSession(): Promise<void> {
  await signOut().catch(() => undefined);
}
