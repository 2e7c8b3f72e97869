import "server-only";

import { api } from "@/lib/api/client";
import type { RecommendationList } from "@/lib/api/types";

/**
 * The recommendation service's answers (API.md, "AI"). Recommendations are a garnish: any
 * failure (service down, slow, or refusing) gives null and the page leaves the section out or
 * shows its quiet fallback, never an error.
 */
export async function relatedProducts(productId: string, limit = 4): Promise<RecommendationList | null> {
  try {
    const { data } = await api().GET("/api/recommendations/related/{product_id}", {
      params: { path: { product_id: productId }, query: { limit } },
    });
    return data ?? null;
  } catch {
    return null;
  }
}

export async function bestSellers(limit = 8): Promise<RecommendationList | null> {
  try {
    const { data } = await api().GET("/api/recommendations/best-sellers", {
      params: { query: { limit } },
    });
    return data ?? null;
  } catch {
    return null;
  }
}

export async function recommendedForMe(accessToken: string, limit = 8): Promise<RecommendationList | null> {
  try {
    const { data } = await api(accessToken).GET("/api/recommendations/for-me", {
      params: { query: { limit } },
    });
    return data ?? null;
  } catch {
    return null;
  }
}
