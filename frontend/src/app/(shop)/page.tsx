import Link from "next/link";
import { Suspense } from "react";

import { ProductCard, ProductGrid } from "@/components/ProductCard";
import { EmptyState, ErrorPanel, GridSkeleton } from "@/components/States";
import { api } from "@/lib/api/client";
import type { CardProduct } from "@/lib/api/types";
import { safely } from "@/lib/api/safe";
import { bestSellers, recommendedForMe } from "@/lib/recommendations";
import { getSession } from "@/lib/session";

async function Categories() {
  const data = await safely(async () => (await api().GET("/api/categories")).data);
  if (!data) {
    return <ErrorPanel title="Categories are unavailable" message="The catalog is not answering right now." />;
  }
  if (data.length === 0) return <EmptyState title="The catalog is empty for now" />;
    return (
      <ul className="flex flex-wrap gap-2" role="list">
        {data.map((c) => (
          <li key={c.name}>
            <Link
              href={`/products?category=${encodeURIComponent(c.name)}`}
              className="inline-flex items-center gap-2 rounded-full border border-slate-300 bg-white px-4 py-2 text-sm font-medium text-slate-800 hover:border-brand-600 hover:text-brand-800"
            >
              {c.name}
              <span className="text-slate-700">{c.count}</span>
            </Link>
          </li>
        ))}
      </ul>
  );
}

/** The shop's best sellers; while the recommendation service is away, the newest products. */
async function BestSellers() {
  const picks = await bestSellers(8);
  if (picks && picks.items.length > 0) {
    return <Shelf title="Best sellers" products={picks.items.map((i) => i.product)} priority />;
  }
  return <NewIn />;
}

/** The newest products in stock. */
async function NewIn() {
  const data = await safely(
    async () =>
      (await api().GET("/api/products", { params: { query: { sort: "newest", in_stock: true, limit: 8 } } }))
        .data,
  );
  if (data) return <Shelf title="New in" products={data.items} priority />;
  return (
      <section aria-labelledby="shelf-new">
        <h2 id="shelf-new" className="mb-3 text-xl font-bold">New in</h2>
        <ErrorPanel title="Products are unavailable" message="The catalog is not answering right now. Please try again soon." />
      </section>
  );
}

async function ForYou({ accessToken }: { accessToken: string }) {
  const picks = await recommendedForMe(accessToken, 4);
  if (!picks || picks.items.length === 0) return null;
  return (
    <Shelf
      title="Recommended for you"
      products={picks.items.map((i) => i.product)}
      reasons={picks.items.map((i) => i.reason)}
    />
  );
}

function Shelf({
  title,
  products,
  reasons,
  priority = false,
}: {
  title: string;
  products: CardProduct[];
  reasons?: string[];
  priority?: boolean;
}) {
  const id = `shelf-${title.toLowerCase().replace(/\W+/g, "-")}`;
  return (
    <section aria-labelledby={id}>
      <h2 id={id} className="mb-3 text-xl font-bold">
        {title}
      </h2>
      {products.length === 0 ? (
        <EmptyState title="Nothing here yet" />
      ) : (
        <ProductGrid>
          {products.map((p, i) => (
            <li key={p.id}>
              <ProductCard product={p} reason={reasons?.[i]} priority={priority && i < 2} />
            </li>
          ))}
        </ProductGrid>
      )}
    </section>
  );
}

export default async function HomePage() {
  const session = await getSession();
  const token = session?.accessToken ?? null;
  return (
    <div className="space-y-10">
      <section className="rounded-xl bg-brand-800 px-6 py-8 text-white">
        <h1 className="text-3xl font-extrabold tracking-tight">Everything for your desk, kitchen and weekend</h1>
        <p className="mt-2 max-w-xl text-brand-50">
          Search the whole catalog, fill a cart as a guest, and check out with a test card.
        </p>
        <Link href="/products" className="btn mt-4 bg-white text-brand-800 hover:bg-brand-50">
          Browse the catalog
        </Link>
      </section>
      <section aria-labelledby="categories-heading">
        <h2 id="categories-heading" className="mb-3 text-xl font-bold">
          Shop by category
        </h2>
        <Suspense fallback={<div className="h-10 animate-pulse rounded bg-slate-200" />}>
          <Categories />
        </Suspense>
      </section>
      {token ? (
        <Suspense fallback={<GridSkeleton count={4} label="Loading recommendations" />}>
          <ForYou accessToken={token} />
        </Suspense>
      ) : null}
      <Suspense fallback={<GridSkeleton count={8} />}>
        <BestSellers />
      </Suspense>
    </div>
  );
}
