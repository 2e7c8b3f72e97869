import "server-only";

import { api } from "@/lib/api/client";
import type { Product, ProductPage } from "@/lib/api/types";

export const PAGE_SIZE = 20;

export async function loadProducts(query: { q?: string; category?: string; page: number }): Promise<ProductPage | null> {
  try {
    const { data } = await api().GET("/api/products", {
      params: {
        query: {
          q: query.q || undefined,
          category: query.category || undefined,
          sort: query.q ? "relevance" : "newest",
          limit: PAGE_SIZE,
          offset: (query.page - 1) * PAGE_SIZE,
        },
      },
    });
    return data ?? null;
  } catch {
    return null;
  }
}

export async function loadCategories(): Promise<string[]> {
  try {
    const { data } = await api().GET("/api/categories");
    return (data ?? []).map((c) => c.name);
  } catch {
    return [];
  }
}

/** A product by id; null when it does not exist (or was deleted); "down" when nobody answered. */
export async function loadProduct(id: string): Promise<Product | null | "down"> {
  try {
    const { data, response } = await api().GET("/api/products/{product_id}", { params: { path: { product_id: id } } });
    if (data) return data;
    return response.status === 404 || response.status === 422 ? null : "down";
  } catch {
    return "down";
  }
}

/** Several products by id at once (the stock list names its products); missing ones are left out. */
export async function loadProductsById(ids: string[]): Promise<Map<string, Product>> {
  const found = await Promise.all(ids.map((id) => loadProduct(id)));
  const byId = new Map<string, Product>();
  found.forEach((p) => {
    if (p && p !== "down") byId.set(p.id, p);
  });
  return byId;
}

export function pageOf(value: string | undefined): number {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= 500 ? n : 1;
}
