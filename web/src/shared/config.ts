/** The run-time configuration every page reads from `/config.json` on its own origin. */

export interface Force {
  code: string;
  name: string;
}

export interface AppConfig {
  /** Base URL of the API, without a trailing slash (`https://…/api`). */
  apiUrl: string;
  region: string;
  userPoolId: string;
  officerClientId: string;
  consoleClientId: string;
  /** Cognito's endpoint; `null` means the regional AWS endpoint (locally: moto). */
  cognitoEndpoint: string | null;
  /** `USER_SRP_AUTH` when deployed; the local stack uses `USER_PASSWORD_AUTH` (moto cannot check SRP). */
  authFlow?: "USER_SRP_AUTH" | "USER_PASSWORD_AUTH";
  /** The address of her page, which the officer app tells her to type herself. */
  publicUrl: string;
  forces: Force[];
}

export class ConfigError extends Error {}

const REQUIRED: (keyof AppConfig)[] = [
  "apiUrl",
  "region",
  "userPoolId",
  "officerClientId",
  "consoleClientId",
  "publicUrl",
  "forces",
];

/** Check the shape of a parsed `config.json`, naming the first thing that is wrong. */
export function parseConfig(raw: unknown): AppConfig {
  if (typeof raw !== "object" || raw === null) throw new ConfigError("config.json is not an object");
  const value = raw as Record<string, unknown>;
  for (const key of REQUIRED) {
    if (value[key] === undefined || value[key] === null || value[key] === "") {
      throw new ConfigError(`config.json has no ${key}`);
    }
  }
  if (!Array.isArray(value.forces) || value.forces.length === 0) {
    throw new ConfigError("config.json: forces must list at least one force");
  }
  return {
    ...(value as unknown as AppConfig),
    apiUrl: String(value.apiUrl).replace(/\/+$/, ""),
    cognitoEndpoint: (value.cognitoEndpoint as string | null | undefined) ?? null,
  };
}

let loaded: Promise<AppConfig> | undefined;

/** The configuration, fetched once per page load (never cached by the browser). */
export function loadConfig(): Promise<AppConfig> {
  loaded ??= fetch("/config.json", { cache: "no-store" }).then(async (response) => {
    if (!response.ok) throw new ConfigError(`config.json could not be loaded (HTTP ${response.status})`);
    return parseConfig(await response.json());
  });
  return loaded;
}
