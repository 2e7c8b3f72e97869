import type { Metadata } from "next";
import Link from "next/link";

import { ConfirmAction } from "@/components/admin/ConfirmAction";
import { Pager } from "@/components/admin/Pager";
import { EmptyState, ErrorPanel } from "@/components/States";
import { deleteProduct } from "@/lib/admin/actions";
import { requireAdmin } from "@/lib/admin/auth";
import { loadCategories, loadProducts, PAGE_SIZE, pageOf } from "@/lib/admin/catalog";
import { formatMoney } from "@/lib/money";

export const metadata: Metadata = { title: "Products" };

type Props = { searchParams: Promise<{ q?: string; category?: string; page?: string; saved?: string; deleted?: string }> };

export default async function ProductsPage({ searchParams }: Props) {
  await requireAdmin("/admin/products");
  const params = await searchParams;
  const q = (params.q ?? "").slice(0, 200);
  const category = (params.category ?? "").slice(0, 60);
  const page = pageOf(params.page);
  const [result, categories] = await Promise.all([loadProducts({ q, category, page }), loadCategories()]);
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-bold">Products</h1>
        <Link href="/admin/products/new" className="btn-primary">
          New product
        </Link>
      </div>
      {params.saved ? <p role="status" className="rounded-md bg-emerald-50 p-3 text-sm text-emerald-900">The product is saved.</p> : null}
      {params.deleted ? <p role="status" className="rounded-md bg-emerald-50 p-3 text-sm text-emerald-900">The product is deleted.</p> : null}
      <form method="get" role="search" className="card flex flex-wrap items-end gap-3 p-3">
        <div className="min-w-48 flex-1">
          <label htmlFor="product-q" className="label">Search</label>
          <input id="product-q" name="q" type="search" defaultValue={q} className="input" placeholder="Name or words" />
        </div>
        <div>
          <label htmlFor="product-category" className="label">Category</label>
          <select id="product-category" name="category" defaultValue={category} className="input">
            <option value="">All categories</option>
            {categories.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </div>
        <button type="submit" className="btn-secondary">Filter</button>
      </form>
      {!result ? (
        <ErrorPanel title="Products are unavailable" message="The catalog is not answering right now. Please try again in a moment." />
      ) : result.items.length === 0 ? (
        <EmptyState title="No products match">Try other words or another category.</EmptyState>
      ) : (
        <>
          <p className="text-sm text-slate-700">{result.total} products</p>
          <div className="card relative overflow-x-auto">
            <table className="w-full min-w-[40rem] text-left text-sm" data-testid="products-table">
              <thead className="bg-slate-50">
                <tr>
                  <th scope="col" className="px-3 py-2">Name</th>
                  <th scope="col" className="px-3 py-2">Category</th>
                  <th scope="col" className="px-3 py-2 text-right">Price</th>
                  <th scope="col" className="px-3 py-2 text-right">Stock</th>
                  <th scope="col" className="px-3 py-2"><span className="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                {result.items.map((p) => (
                  <tr key={p.id} className="border-t border-slate-100 align-top" data-testid="product-row">
                    <td className="px-3 py-2">
                      <Link href={`/admin/products/${p.id}`} className="link">{p.name}</Link>
                    </td>
                    <td className="px-3 py-2">{p.category}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{formatMoney(p.price_cents, p.currency)}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{p.stock}</td>
                    <td className="px-3 py-2 text-right">
                      <ConfirmAction
                        label="Delete"
                        question={`Delete “${p.name}”? It leaves the catalog; past orders keep it.`}
                        confirmLabel="Yes, delete"
                        danger
                        action={deleteProduct.bind(null, p.id)}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager path="/admin/products" params={{ q, category }} page={page} total={result.total} pageSize={PAGE_SIZE} />
        </>
      )}
    </div>
  );
}
