import "server-only";

import { api } from "@/lib/api/client";
import type { components } from "@/lib/api/schema";

import type { DateRange } from "./range";

type Schemas = components["schemas"];
export type SalesBucket = Schemas["SalesBucketOut"];
export type TopProduct = Schemas["TopProductOut"];
export type AbandonedCarts = Schemas["AbandonedCartsOut"];
export type SummaryData = Schemas["SummaryOut"];

/** Each loader answers its data, or null when the analytics service did not: the dashboard shows
 * that one part as unavailable and the rest as usual. */
export async function loadSummary(token: string, range: DateRange): Promise<SummaryData | null> {
  try {
    const { data } = await api(token).GET("/api/analytics/summary", {
      params: { query: { from: range.fromIso, to: range.toIso } },
    });
    return data ?? null;
  } catch {
    return null;
  }
}

export async function loadSales(token: string, range: DateRange): Promise<SalesBucket[] | null> {
  try {
    const { data } = await api(token).GET("/api/analytics/sales", {
      params: { query: { from: range.fromIso, to: range.toIso, interval: range.interval } },
    });
    return data ?? null;
  } catch {
    return null;
  }
}

export async function loadTopProducts(token: string, by: "revenue" | "units"): Promise<TopProduct[] | null> {
  try {
    const { data } = await api(token).GET("/api/analytics/top-products", { params: { query: { limit: 8, by } } });
    return data ?? null;
  } catch {
    return null;
  }
}

export async function loadAbandonedCarts(token: string, idleMinutes: number): Promise<AbandonedCarts | null> {
  try {
    const { data } = await api(token).GET("/api/analytics/abandoned-carts", {
      params: { query: { idle_minutes: idleMinutes, limit: 20 } },
    });
    return data ?? null;
  } catch {
    return null;
  }
}
