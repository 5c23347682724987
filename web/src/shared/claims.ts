/**
 * What the page shows about who is signed in, read from the ID token's payload.
 *
 * Display only: the API verifies the token's signature and decides every permission itself.
 */

export interface Claims {
  username: string;
  roles: string[];
  force: string | null;
  area: string | null;
  officerId: string | null;
  expiresAt: number;
}

function base64UrlDecode(segment: string): string {
  const base64 = segment.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(segment.length / 4) * 4, "=");
  const binary = atob(base64);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** The claims of a JWT; null if it is not one. */
export function decodeClaims(token: string): Claims | null {
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(base64UrlDecode(parts[1] ?? "")) as Record<string, unknown>;
  } catch {
    return null;
  }
  const text = (key: string): string | null => (typeof payload[key] === "string" ? (payload[key] as string) : null);
  const groups = payload["cognito:groups"];
  return {
    username: text("cognito:username") ?? text("username") ?? "",
    roles: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === "string") : [],
    force: text("custom:force"),
    area: text("custom:area"),
    officerId: text("custom:officer_id"),
    expiresAt: typeof payload.exp === "number" ? payload.exp : 0,
  };
}
