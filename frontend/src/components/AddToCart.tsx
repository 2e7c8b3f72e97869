"use client";

import Link from "next/link";
import { useActionState } from "react";

import { addToCart, type CartActionState } from "@/lib/actions/cart";

export function AddToCart({ productId, stock }: { productId: string; stock: number }) {
  const [state, action, pending] = useActionState<CartActionState, FormData>(addToCart, {});
  if (stock <= 0) {
    return (
      <p className="rounded-md bg-slate-100 p-3 text-sm text-slate-800">
        This product is out of stock. Check back soon.
      </p>
    );
  }
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="product_id" value={productId} />
      <div className="flex items-end gap-3">
        <div className="w-24">
          <label htmlFor="quantity" className="label">
            Quantity
          </label>
          <input
            id="quantity"
            name="quantity"
            type="number"
            min={1}
            max={Math.min(stock, 99)}
            defaultValue={1}
            inputMode="numeric"
            className="input"
          />
        </div>
        <button type="submit" className="btn-primary flex-1 sm:flex-none" disabled={pending}>
          {pending ? "Adding…" : "Add to cart"}
        </button>
      </div>
      <div aria-live="polite" className="min-h-6 text-sm">
        {state.ok ? (
          <p className="text-emerald-800">
            {state.ok}{" "}
            <Link href="/cart" className="link">
              View cart
            </Link>
          </p>
        ) : null}
        {state.error ? <p className="text-red-800">{state.error}</p> : null}
      </div>
    </form>
  );
}
