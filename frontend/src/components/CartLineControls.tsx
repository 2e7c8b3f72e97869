"use client";

import { useActionState } from "react";

import { type CartActionState, setQuantity } from "@/lib/actions/cart";

/** Quantity and remove for one line; each is a small form so it works from the keyboard. */
export function CartLineControls({
  productId,
  name,
  quantity,
  available,
}: {
  productId: string;
  name: string;
  quantity: number;
  available: number;
}) {
  const [state, action, pending] = useActionState<CartActionState, FormData>(setQuantity, {});
  const inputId = `qty-${productId}`;
  return (
    <div className="flex flex-wrap items-end gap-2">
      <form action={action} className="flex items-end gap-2">
        <input type="hidden" name="product_id" value={productId} />
        <div className="w-20">
          <label htmlFor={inputId} className="label">
            Quantity
            <span className="sr-only"> of {name}</span>
          </label>
          <input
            id={inputId}
            name="quantity"
            type="number"
            min={0}
            max={Math.max(Math.min(available, 99), quantity)}
            defaultValue={quantity}
            key={quantity}
            inputMode="numeric"
            className="input"
          />
        </div>
        <button type="submit" className="btn-secondary" disabled={pending}>
          Update<span className="sr-only"> {name}</span>
        </button>
      </form>
      <form action={action}>
        <input type="hidden" name="product_id" value={productId} />
        <input type="hidden" name="quantity" value="0" />
        <button type="submit" className="btn text-red-800 hover:bg-red-50" disabled={pending}>
          Remove<span className="sr-only"> {name}</span>
        </button>
      </form>
      <p aria-live="polite" className="w-full text-sm text-red-800">
        {state.error ?? ""}
      </p>
    </div>
  );
}
