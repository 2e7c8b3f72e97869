import type { Metadata } from "next";
import Link from "next/link";

import { Pager } from "@/components/admin/Pager";
import { StockForms } from "@/components/admin/StockForms";
import { EmptyState, ErrorPanel } from "@/components/States";
import { requireAdmin } from "@/lib/admin/auth";
import { loadProductsById, PAGE_SIZE, pageOf } from "@/lib/admin/catalog";
import { api } from "@/lib/api/client";
import type { components } from "@/lib/api/schema";

export const metadata: Metadata = { title: "Stock" };

type StockPage = components["schemas"]["StockPage"];
type Props = { searchParams: Promise<{ below?: string; page?: string }> };

const when = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

async function loadStock(token: string, below: number | null, page: number): Promise<StockPage | null> {
  try {
    const { data } = await api(token).GET("/api/inventory", {
      params: { query: { low_stock_below: below ?? undefined, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE } },
    });
    return data ?? null;
  } catch {
    return null;
  }
}

export default async function StockPage({ searchParams }: Props) {
  const session = await requireAdmin("/admin/stock");
  const params = await searchParams;
  const raw = params.below?.trim() ?? "";
  const below = /^\d{1,9}$/.test(raw) ? Number(raw) : null;
  const page = pageOf(params.page);
  const stock = await loadStock(session.accessToken, below, page);
  const products = stock ? await loadProductsById(stock.items.map((r) => r.product_id)) : new Map();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Stock</h1>
      <form method="get" className="card flex flex-wrap items-end gap-3 p-3">
        <div>
          <label htmlFor="low-below" className="label">Low stock: fewer than</label>
          <input id="low-below" name="below" inputMode="numeric" defaultValue={raw} placeholder="5" className="input w-32" />
        </div>
        <button type="submit" className="btn-secondary">Show low stock</button>
        {below !== null ? <Link href="/admin/stock" className="link text-sm">Show all</Link> : null}
        {raw && below === null ? <p role="alert" className="text-sm text-red-800">Enter a whole number such as 5.</p> : null}
      </form>
      {!stock ? (
        <ErrorPanel title="Stock is unavailable" message="The inventory service is not answering right now. Please try again in a moment." />
      ) : stock.items.length === 0 ? (
        <EmptyState title={below !== null ? `No product has fewer than ${below} units` : "No stock records yet"} />
      ) : (
        <>
          <p className="text-sm text-slate-700">
            {stock.total} {below !== null ? `products with fewer than ${below} units` : "products"}
          </p>
          <ul className="space-y-3" data-testid="stock-list">
            {stock.items.map((r) => {
              const product = products.get(r.product_id);
              return (
                <li key={r.product_id} className="card p-3" data-testid="stock-row">
                  <div className="flex flex-wrap items-baseline justify-between gap-2">
                    <Link href={`/admin/products/${r.product_id}`} className="link">
                      {product?.name ?? `Product ${r.product_id.slice(0, 8)} (deleted or unknown)`}
                    </Link>
                    <p className="text-sm">
                      <span className={`font-bold tabular-nums ${r.stock === 0 ? "text-red-800" : ""}`}>{r.stock}</span> units
                      <span className="text-slate-700"> · updated {when.format(new Date(r.updated_at))} UTC</span>
                    </p>
                  </div>
                  <details className="mt-2">
                    <summary className="cursor-pointer text-sm font-medium text-brand-700">Change stock</summary>
                    <div className="mt-2">
                      <StockForms productId={r.product_id} stock={r.stock} compact />
                    </div>
                  </details>
                </li>
              );
            })}
          </ul>
          <Pager path="/admin/stock" params={{ below: below !== null ? String(below) : undefined }} page={page} total={stock.total} pageSize={PAGE_SIZE} />
        </>
      )}
    </div>
  );
}
