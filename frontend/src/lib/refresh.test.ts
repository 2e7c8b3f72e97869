import { afterEach, describe, expect, it, vi } from "vitest";

import { refreshOnce } from "./refresh";

const PAIR = { access_token: "a2", refresh_token: "r2", expires_in: 900, user: {} };

function answering(status: number, body: unknown = PAIR) {
  return vi.fn(async () => new Response(JSON.stringify(body), { status }));
}

afterEach(() => vi.unstubAllGlobals());

describe("refreshing a rotating refresh token", () => {
  it("exchanges a token once however many requests carry it at the same time", async () => {
    const fetch = answering(200);
    vi.stubGlobal("fetch", fetch);
    const results = await Promise.all([1, 2, 3].map(() => refreshOnce("http://gw", "token-a")));
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(results.every((r) => r !== null && r !== "unreachable" && r.access_token === "a2")).toBe(true);
    // A request still carrying the old cookie a moment later gets the same new pair.
    expect(await refreshOnce("http://gw", "token-a")).toEqual(PAIR);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it("says null for a refused token", async () => {
    vi.stubGlobal("fetch", answering(401, { error: { code: "invalid_token" } }));
    expect(await refreshOnce("http://gw", "token-b")).toBeNull();
  });

  it("does not remember an outage: the next request tries again", async () => {
    vi.stubGlobal("fetch", answering(503));
    expect(await refreshOnce("http://gw", "token-c")).toBe("unreachable");
    const fetch = answering(200);
    vi.stubGlobal("fetch", fetch);
    expect(await refreshOnce("http://gw", "token-c")).toEqual(PAIR);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it("forgets exchanges after a minute", async () => {
    const fetch = answering(200);
    vi.stubGlobal("fetch", fetch);
    await refreshOnce("http://gw", "token-d", 0);
    await refreshOnce("http://gw", "token-e", 120_000); // sweeps token-d
    await refreshOnce("http://gw", "token-d", 120_001);
    expect(fetch).toHaveBeenCalledTimes(3);
  });
});
