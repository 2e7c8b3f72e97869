import { createHash } from "node:crypto";

import type { AuthResponse } from "@/lib/api/types";
import { joinFlight, settleFlight, sharedAcrossWorkers } from "@/lib/worker-flight";

/**
 * Trading a refresh token for a new pair, once per token in this process.
 *
 * Refresh tokens rotate and reusing an old one revokes the whole session (API.md), while a
 * browser may send several requests with the same old cookie at once (a page and its
 * prefetches). Every caller holding the same token shares one exchange, and its answer is
 * remembered briefly for requests that still carry the old cookie. With several worker
 * processes, the workers share it too (lib/worker-flight.ts).
 */
/** A new pair; null when the token is refused; "unreachable" when nobody answered. */
export type RefreshResult = AuthResponse | null | "unreachable";

const REMEMBER_MS = 60_000;
const exchanges = new Map<string, { at: number; result: Promise<RefreshResult> }>();

export function refreshOnce(
  gateway: string,
  refreshToken: string,
  now = Date.now(),
): Promise<RefreshResult> {
  for (const [token, entry] of exchanges) {
    if (now - entry.at > REMEMBER_MS) exchanges.delete(token);
  }
  const known = exchanges.get(refreshToken);
  if (known) return known.result;
  const result = sharedAcrossWorkers()
    ? exchangeAcrossWorkers(gateway, refreshToken)
    : exchange(gateway, refreshToken);
  exchanges.set(refreshToken, { at: now, result });
  return result;
}

async function exchangeAcrossWorkers(gateway: string, refreshToken: string): Promise<RefreshResult> {
  const key = createHash("sha256").update(refreshToken).digest("hex");
  const turn = await joinFlight(key);
  if (!turn.lead) {
    const shared = turn.value as RefreshResult;
    if (shared === "unreachable") exchanges.delete(refreshToken);
    return shared;
  }
  const result = await exchange(gateway, refreshToken);
  settleFlight(key, result, result === "unreachable" ? 0 : REMEMBER_MS);
  return result;
}

async function exchange(gateway: string, refreshToken: string): Promise<RefreshResult> {
  try {
    const resp = await fetch(`${gateway}/api/auth/refresh`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: refreshToken }),
      signal: AbortSignal.timeout(8000),
    });
    if (resp.status >= 500) {
      exchanges.delete(refreshToken);
      return "unreachable";
    }
    if (!resp.ok) return null;
    return (await resp.json()) as AuthResponse;
  } catch {
    // The gateway is unreachable: forget this attempt so the next request tries again.
    exchanges.delete(refreshToken);
    return "unreachable";
  }
}
