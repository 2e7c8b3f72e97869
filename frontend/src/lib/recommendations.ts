import "server-only";

import type { RecommendationList } from "@/lib/api/types";
import { gatewayUrl } from "@/lib/env";

/**
 * The recommendation service's answers (API.md, "AI"). Recommendations are a garnish: any
 * failure (service absent, slow, or an unexpected answer) gives null and the page leaves the
 * section out or shows its quiet fallback, never an error.
 */
const TIMEOUT_MS = 2500;

async function get(path: string, accessToken?: string): Promise<RecommendationList | null> {
  try {
    const resp = await fetch(`${gatewayUrl()}${path}`, {
      headers: accessToken ? { Authorization: `Bearer ${accessToken}` } : {},
      signal: AbortSignal.timeout(TIMEOUT_MS),
      cache: "no-store",
    });
    if (!resp.ok) return null;
    const body = (await resp.json()) as Partial<RecommendationList>;
    if (!Array.isArray(body.items)) return null;
    const items = body.items.filter(
      (i) => i && typeof i === "object" && i.product && typeof i.product.id === "string",
    );
    return { items, source: body.source === "gemini" ? "gemini" : "local" };
  } catch {
    return null;
  }
}

export function relatedProducts(productId: string, limit = 4) {
  return get(`/api/recommendations/related/${encodeURIComponent(productId)}?limit=${limit}`);
}

export function recommendedForMe(accessToken: string, limit = 8) {
  return get(`/api/recommendations/for-me?limit=${limit}`, accessToken);
}
