import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache, Suspense } from "react";

import { AddToCart } from "@/components/AddToCart";
import { Price } from "@/components/Price";
import { ProductCard, ProductGrid } from "@/components/ProductCard";
import { ProductImage } from "@/components/ProductImage";
import { ErrorPanel, GridSkeleton } from "@/components/States";
import { StockBadge } from "@/components/StockBadge";
import { api } from "@/lib/api/client";
import { errorInfo, type ErrorInfo, unreachable } from "@/lib/api/errors";
import { safely } from "@/lib/api/safe";
import type { CardProduct, Product } from "@/lib/api/types";
import { relatedProducts } from "@/lib/recommendations";

type Props = { params: Promise<{ id: string }> };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const loadProduct = cache(async (id: string): Promise<{ product: Product } | { error: ErrorInfo }> => {
  if (!UUID.test(id)) return { error: errorInfo(404, null) };
  try {
    const { data, error, response } = await api().GET("/api/products/{product_id}", {
      params: { path: { product_id: id } },
    });
    return data ? { product: data } : { error: errorInfo(response.status, error) };
  } catch {
    return { error: unreachable() };
  }
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const result = await loadProduct((await params).id);
  return { title: "product" in result ? result.product.name : "Product" };
}

/**
 * Related products with the recommender's reasons; when it does not answer, other products of
 * the same category, said plainly.
 */
async function Related({ product }: { product: Product }) {
  const recommended = await relatedProducts(product.id, 4);
  let items: { product: CardProduct; reason: string }[] = recommended?.items ?? [];
  if (items.length === 0) {
    const page = await safely(
      async () =>
        (await api().GET("/api/products", { params: { query: { category: product.category, limit: 5 } } })).data,
    );
    items = (page?.items ?? [])
      .filter((p) => p.id !== product.id)
      .slice(0, 4)
      .map((p) => ({ product: p, reason: `Also in ${product.category}` }));
  }
  if (items.length === 0) return null;
  return (
    <section aria-labelledby="related-heading" className="mt-10" data-testid="related">
      <h2 id="related-heading" className="mb-3 text-xl font-bold">
        Related products
      </h2>
      <ProductGrid>
        {items.map((item) => (
          <li key={item.product.id}>
            <ProductCard product={item.product} reason={item.reason} />
          </li>
        ))}
      </ProductGrid>
    </section>
  );
}

export default async function ProductPage({ params }: Props) {
  const { id } = await params;
  const result = await loadProduct(id);
  if ("error" in result) {
    if (result.error.status === 404 || result.error.status === 422) notFound();
    return <ErrorPanel title="This product cannot be shown right now" message={result.error.message} />;
  }
  const { product } = result;
  return (
    <div>
      <nav aria-label="Breadcrumb" className="mb-4 text-sm text-slate-700">
        <ol className="flex flex-wrap gap-1">
          <li>
            <Link href="/products" className="link">
              Catalog
            </Link>{" "}
            /
          </li>
          <li>
            <Link href={`/products?category=${encodeURIComponent(product.category)}`} className="link capitalize">
              {product.category}
            </Link>
          </li>
        </ol>
      </nav>
      <div className="grid gap-6 md:grid-cols-2">
        <div className="card overflow-hidden">
          <ProductImage src={product.image_url} alt={product.name} size={640} priority />
        </div>
        <div className="space-y-4">
          <h1 className="text-2xl font-bold sm:text-3xl">{product.name}</h1>
          <div className="flex flex-wrap items-center gap-3">
            <Price cents={product.price_cents} currency={product.currency} className="text-2xl font-bold" />
            <StockBadge stock={product.stock} />
          </div>
          <AddToCart productId={product.id} stock={product.stock} />
          <section aria-labelledby="description-heading">
            <h2 id="description-heading" className="mb-1 text-lg font-semibold">
              Description
            </h2>
            <p className="whitespace-pre-line text-slate-800">{product.description || "No description yet."}</p>
          </section>
        </div>
      </div>
      <Suspense fallback={<GridSkeleton count={4} label="Loading related products" />}>
        <Related product={product} />
      </Suspense>
    </div>
  );
}
