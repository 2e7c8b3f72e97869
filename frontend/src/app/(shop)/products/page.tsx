import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";

import { FiltersDisclosure } from "@/components/FiltersDisclosure";
import { Pagination } from "@/components/Pagination";
import { ProductCard, ProductGrid } from "@/components/ProductCard";
import { InStockToggle, SearchBox, SortSelect } from "@/components/SearchControls";
import { EmptyState, ErrorPanel } from "@/components/States";
import { api } from "@/lib/api/client";
import { errorInfo, type ErrorInfo, unreachable } from "@/lib/api/errors";
import type { ProductPage } from "@/lib/api/types";
import { centsToInput, formatMoney } from "@/lib/money";
import { parseSearch, type SearchState, toApiQuery, toQueryString, withChange } from "@/lib/search-params";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ searchParams }: Props): Promise<Metadata> {
  const state = parseSearch(await searchParams);
  return { title: state.q ? `“${state.q}”` : "Catalog" };
}

async function search(state: SearchState): Promise<{ page: ProductPage } | { error: ErrorInfo }> {
  try {
    const { data, error, response } = await api().GET("/api/products", {
      params: { query: toApiQuery(state) },
    });
    return data ? { page: data } : { error: errorInfo(response.status, error) };
  } catch {
    return { error: unreachable() };
  }
}

function Facets({ state, page }: { state: SearchState; page: ProductPage }) {
  const categories = page.facets.categories;
  return (
    <div className="space-y-6">
      <section aria-labelledby="facet-category">
        <h2 id="facet-category" className="mb-2 text-sm font-bold uppercase tracking-wide text-slate-700">
          Category
        </h2>
        <ul className="space-y-1 text-sm">
          {state.category ? (
            <li>
              <Link href={`/products${toQueryString(withChange(state, { category: null }))}`} className="link">
                All categories
              </Link>
            </li>
          ) : null}
          {categories.length === 0 ? <li className="text-slate-700">No categories match.</li> : null}
          {categories.map((c) => {
            const active = state.category?.toLowerCase() === c.name.toLowerCase();
            return (
              <li key={c.name}>
                <Link
                  href={`/products${toQueryString(withChange(state, { category: active ? null : c.name }))}`}
                  aria-current={active ? "true" : undefined}
                  className={`flex justify-between gap-2 rounded px-2 py-1 ${active ? "bg-brand-100 font-semibold text-brand-800" : "text-slate-800 hover:bg-slate-100"}`}
                >
                  <span className="capitalize">{c.name}</span>{" "}
                  <span className="text-slate-700">
                    {c.count}
                    <span className="sr-only"> products</span>
                  </span>
                </Link>
              </li>
            );
          })}
        </ul>
      </section>
      <section aria-labelledby="facet-price">
        <h2 id="facet-price" className="mb-2 text-sm font-bold uppercase tracking-wide text-slate-700">
          Price
        </h2>
        {page.total > 0 && page.facets.price.min_cents !== null && page.facets.price.max_cents !== null ? (
          <p className="mb-2 text-sm text-slate-700">
            {formatMoney(page.facets.price.min_cents)} – {formatMoney(page.facets.price.max_cents)} across{" "}
            {page.total} {page.total === 1 ? "match" : "matches"}
          </p>
        ) : null}
        <form action="/products" method="get" className="flex flex-wrap items-end gap-2">
          {state.q ? <input type="hidden" name="q" value={state.q} /> : null}
          {state.category ? <input type="hidden" name="category" value={state.category} /> : null}
          {state.inStock ? <input type="hidden" name="in_stock" value="1" /> : null}
          {state.sort !== "relevance" ? <input type="hidden" name="sort" value={state.sort} /> : null}
          <div className="w-24">
            <label htmlFor="min" className="label">
              Min ($)
            </label>
            <input id="min" name="min" inputMode="decimal" className="input" defaultValue={state.minCents === null ? "" : centsToInput(state.minCents)} />
          </div>
          <div className="w-24">
            <label htmlFor="max" className="label">
              Max ($)
            </label>
            <input id="max" name="max" inputMode="decimal" className="input" defaultValue={state.maxCents === null ? "" : centsToInput(state.maxCents)} />
          </div>
          <button type="submit" className="btn-secondary">
            Apply
          </button>
        </form>
      </section>
      <section aria-label="Availability">
        <Suspense fallback={null}>
          <InStockToggle />
        </Suspense>
      </section>
    </div>
  );
}

export default async function CatalogPage({ searchParams }: Props) {
  const state = parseSearch(await searchParams);
  const result = await search(state);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="mb-4 text-2xl font-bold capitalize">{state.category ? state.category : "Catalog"}</h1>
        <Suspense fallback={null}>
          <SearchBox />
        </Suspense>
      </div>
      {"error" in result ? (
        <ErrorPanel
          title="The catalog is not answering"
          message={result.error.status === 422 ? "That search could not be understood. Try other words." : result.error.message}
        />
      ) : (
        <div className="grid gap-6 md:grid-cols-[14rem_1fr]">
          <aside aria-label="Filters">
            <FiltersDisclosure
              active={[state.category, state.minCents, state.maxCents, state.inStock || null].filter((v) => v !== null).length}
            >
              <Facets state={state} page={result.page} />
            </FiltersDisclosure>
          </aside>
          <section aria-labelledby="results-heading" className="min-w-0">
            <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
              <h2 id="results-heading" className="text-sm text-slate-800" aria-live="polite" data-testid="result-count">
                {result.page.total} {result.page.total === 1 ? "product" : "products"}
                {state.q ? <> for “{state.q}”</> : null}
              </h2>
              <Suspense fallback={null}>
                <SortSelect />
              </Suspense>
            </div>
            {result.page.corrected_query ? (
              <p className="mb-3 text-sm text-slate-800" data-testid="corrected">
                Showing results for <strong>{result.page.corrected_query}</strong>
              </p>
            ) : null}
            {result.page.items.length === 0 ? (
              <EmptyState title="No products match">
                <p>
                  Try fewer words, another spelling, or{" "}
                  <Link href="/products" className="link">
                    clear all filters
                  </Link>
                  .
                </p>
              </EmptyState>
            ) : (
              <ProductGrid>
                {result.page.items.map((product, i) => (
                  <li key={product.id}>
                    <ProductCard product={product} priority={i < 4} />
                  </li>
                ))}
              </ProductGrid>
            )}
            <Pagination state={state} total={result.page.total} />
          </section>
        </div>
      )}
    </div>
  );
}
