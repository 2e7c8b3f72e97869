import Link from "next/link";

import type { CardProduct } from "@/lib/api/types";

import { Price } from "./Price";
import { ProductImage } from "./ProductImage";
import { StockBadge } from "./StockBadge";

export function ProductCard({
  product,
  reason,
  priority = false,
}: {
  product: CardProduct;
  reason?: string;
  priority?: boolean;
}) {
  return (
    <article className="card flex h-full flex-col overflow-hidden" data-testid="product-card">
      <Link href={`/products/${product.id}`} className="flex flex-1 flex-col">
        <ProductImage src={product.image_url} alt="" size={320} priority={priority} />
        <div className="flex flex-1 flex-col gap-1 p-3">
          <h3 className="line-clamp-2 text-sm font-semibold text-slate-900">{product.name}</h3>
          <p className="text-xs capitalize text-slate-700">{product.category}</p>
          <div className="mt-auto flex flex-wrap items-center justify-between gap-2 pt-2">
            <Price
              cents={product.price_cents}
              currency={product.currency}
              className="text-base font-bold"
            />
            <StockBadge stock={product.stock} />
          </div>
          {reason ? <p className="pt-1 text-xs text-slate-700">{reason}</p> : null}
        </div>
      </Link>
    </article>
  );
}

export function ProductGrid({ children }: { children: React.ReactNode }) {
  return (
    <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-4" role="list">
      {children}
    </ul>
  );
}
