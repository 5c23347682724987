import { afterEach, describe, expect, it, vi } from "vitest";

import { ApiClient, ApiError, errorFrom } from "./api";
import { FINAL_STATES, SESSION_STATES } from "./api.generated";
import { decodeClaims } from "./claims";
import { ConfigError, parseConfig } from "./config";
import { decidedBy, officerCardHeading, problemText } from "../her/model";
import { explainRefusal, publicAddress, startWithRetry } from "../officer/model";
import { isFinal } from "./states";

afterEach(() => {
  vi.unstubAllGlobals();
});

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });

describe("API errors", () => {
  it("keep the API's code, message, field details and Retry-After", async () => {
    const error = await errorFrom(
      json(429, { error: { code: "rate_limited", message: "Too many.", details: [{ field: "code", message: "slow down" }] } }, { "Retry-After": "120" }),
    );
    expect(error).toMatchObject({ status: 429, code: "rate_limited", message: "Too many.", retryAfter: 120 });
    expect(error.details).toEqual([{ field: "code", message: "slow down" }]);
  });

  it("explain a gateway's bare answer or a proxy's HTML page", async () => {
    expect((await errorFrom(json(403, { message: "Forbidden" }))).message).toBe("Forbidden");
    const html = await errorFrom(new Response("<html>", { status: 502 }));
    expect(html.isOutage).toBe(true);
    expect(html.message).toMatch(/999/);
  });

  it("tell her about a wrong code and a rate limit in plain words", () => {
    expect(problemText(new ApiError(404, "not_found", "Not found."))).toMatch(/cannot find that code/);
    expect(problemText(new ApiError(429, "rate_limited", "x", [], 90))).toMatch(/Try again in 2 minutes/);
    expect(problemText(new ApiError(0, "network", "x"))).toMatch(/call 999/i);
  });
});

describe("the client", () => {
  it("sends the bearer token and JSON, and never cookies", async () => {
    const fetchMock = vi.fn(async () => json(200, { ok: true }));
    vi.stubGlobal("fetch", fetchMock);
    const client = new ApiClient("https://api.example/api", async () => "token-1");
    await client.request("/sessions", { method: "POST", body: { note: "x" }, headers: { "Idempotency-Key": "k" } });
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("https://api.example/api/sessions");
    expect(init.credentials).toBe("omit");
    expect(init.headers).toMatchObject({ Authorization: "Bearer token-1", "Idempotency-Key": "k", "Content-Type": "application/json" });
    expect(init.body).toBe('{"note":"x"}');
  });

  it("turns a network failure into an outage that points to 999", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))));
    const error = await new ApiClient("https://api.example").request("/queue").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).isOutage).toBe(true);
  });
});

describe("starting a session", () => {
  it("retries an outage with the same Idempotency-Key, so nobody is paged twice", async () => {
    const keys: string[] = [];
    let calls = 0;
    const api = {
      request: async (_path: string, options?: { headers?: Record<string, string> }) => {
        keys.push(options?.headers?.["Idempotency-Key"] ?? "");
        calls += 1;
        if (calls < 3) throw new ApiError(503, "service_unavailable", "down");
        return { session_id: "s1" } as never;
      },
    };
    const session = await startWithRetry(api as never, {}, "key-1", { pauseMs: 0 });
    expect(session).toEqual({ session_id: "s1" });
    expect(keys).toEqual(["key-1", "key-1", "key-1"]);
  });

  it("does not retry a refusal", async () => {
    let calls = 0;
    const api = {
      request: async () => {
        calls += 1;
        throw new ApiError(403, "forbidden", "no");
      },
    };
    await expect(startWithRetry(api as never, {}, "k", { pauseMs: 0 })).rejects.toMatchObject({ status: 403 });
    expect(calls).toBe(1);
  });

  it("gives up inside 8 s when every try hangs until the API's 6 s budget", async () => {
    let clock = 0;
    const timeouts: number[] = [];
    const api = {
      request: async (_path: string, options?: { timeoutMs?: number }) => {
        timeouts.push(options?.timeoutMs ?? Infinity);
        clock += Math.min(6_000, options?.timeoutMs ?? Infinity); // the API's 503, or our abort
        throw new ApiError(503, "service_unavailable", "Call 999.");
      },
    };
    const sleep = async (ms: number) => {
      clock += ms;
    };

    await expect(startWithRetry(api as never, {}, "k", { now: () => clock, sleep })).rejects.toMatchObject({ status: 503 });

    expect(clock).toBeLessThanOrEqual(8_000);
    expect(timeouts[0]).toBe(8_000); // no single try may outlast the window either
    expect(timeouts.length).toBe(2); // a second, shorter try fitted; a third did not
  });

  it("shows her the address without a scheme or a trailing slash", () => {
    expect(publicAddress("https://check.police.uk/")).toBe("check.police.uk");
    expect(publicAddress("http://127.0.0.1:8080/")).toBe("127.0.0.1:8080");
  });
});

describe("configuration and claims", () => {
  const good = {
    apiUrl: "https://api.example/api/",
    region: "eu-west-2",
    userPoolId: "eu-west-2_abc",
    officerClientId: "o",
    consoleClientId: "c",
    cognitoEndpoint: null,
    publicUrl: "https://check.example/",
    forces: [{ code: "MET", name: "Met" }],
  };

  it("accepts a deployed config and trims the API's trailing slash", () => {
    expect(parseConfig(good).apiUrl).toBe("https://api.example/api");
  });

  it("names what is missing or wrong", () => {
    expect(() => parseConfig({ ...good, userPoolId: "" })).toThrow(new ConfigError("config.json has no userPoolId"));
    expect(() => parseConfig({ ...good, forces: [] })).toThrow(/at least one force/);
  });

  it("reads roles, force and area from an ID token for display", () => {
    const payload = { "cognito:username": "sergeant.central", "cognito:groups": ["sergeant"], "custom:force": "MET", "custom:area": "CENTRAL", exp: 5 };
    const encoded = btoa(JSON.stringify(payload)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
    expect(decodeClaims(`h.${encoded}.s`)).toMatchObject({ username: "sergeant.central", roles: ["sergeant"], force: "MET", area: "CENTRAL" });
    expect(decodeClaims("not-a-jwt")).toBeNull();
  });
});

describe("her page's officer card", () => {
  it("says confirmed only when verified, and hides the photo after any other ending", () => {
    expect(officerCardHeading("verified")).toMatch(/^Confirmed/);
    for (const state of SESSION_STATES.filter((state) => !isFinal(state))) {
      expect(officerCardHeading(state)).toMatch(/not confirmed yet/);
    }
    for (const state of FINAL_STATES.filter((state) => state !== "verified")) {
      expect(officerCardHeading(state)).toBeNull();
    }
  });

  it("names who decided, or the control room when the register has no rank and number", () => {
    expect(decidedBy({ rank: "PS", shoulder_number: "118" })).toBe("PS 118");
    expect(decidedBy({ rank: null, shoulder_number: null })).toBe("the control room");
    expect(decidedBy(null)).toBe("the control room");
  });
});

describe("the officer app when following is refused", () => {
  it("says what to do for an expired sign-in and a vanished check", () => {
    expect(explainRefusal(new ApiError(401, "http_401", "x")).message).toMatch(/sign-in has expired/);
    expect(explainRefusal(new ApiError(404, "not_found", "x")).message).toMatch(/no longer exists/);
    expect(explainRefusal(new ApiError(429, "rate_limited", "Too many.")).message).toBe("Too many.");
  });
});
