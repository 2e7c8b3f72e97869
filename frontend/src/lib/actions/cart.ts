"use server";

import { revalidatePath } from "next/cache";

import { api } from "@/lib/api/client";
import { errorInfo } from "@/lib/api/errors";
import { readGuestCart, writeGuestCart, productsById } from "@/lib/cart";
import { addGuestLine, MAX_QUANTITY, setGuestLine } from "@/lib/guest-cart";
import { actionToken } from "@/lib/session";

export type CartActionState = { ok?: string; error?: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function quantityOf(value: FormDataEntryValue | null, min: number): number | null {
  const n = Number(value);
  return Number.isInteger(n) && n >= min && n <= MAX_QUANTITY ? n : null;
}

function unreachable(): CartActionState {
  return { error: "The cart is not answering right now. Please try again in a moment." };
}

/** "Add to cart" from a product card or page: the account's cart, or the guest cookie. */
export async function addToCart(_: CartActionState, form: FormData): Promise<CartActionState> {
  const productId = String(form.get("product_id") ?? "");
  const quantity = quantityOf(form.get("quantity") ?? "1", 1);
  if (!UUID.test(productId) || quantity === null) return { error: "Choose a quantity from 1 to 99." };
  try {
    const token = await actionToken();
    if (token) {
      const { error, response } = await api(token).POST("/api/cart/items", {
        body: { product_id: productId, quantity },
      });
      if (!response.ok) {
        const info = errorInfo(response.status, error);
        return {
          error:
            response.status === 409
              ? "Not enough in stock for that quantity."
              : response.status === 404
                ? "This product is no longer sold."
                : info.message,
        };
      }
    } else {
      const lines = await readGuestCart();
      const next = addGuestLine(lines, productId, quantity);
      const wanted = next.find((l) => l.productId === productId)?.quantity ?? quantity;
      const product = (await productsById([productId])).get(productId);
      if (!product) return { error: "This product is no longer sold." };
      if (wanted > product.stock) return { error: "Not enough in stock for that quantity." };
      await writeGuestCart(next);
    }
  } catch {
    return unreachable();
  }
  revalidatePath("/", "layout");
  return { ok: quantity === 1 ? "Added to your cart." : `Added ${quantity} to your cart.` };
}

/** A new quantity for a cart line (0 removes it). */
export async function setQuantity(_: CartActionState, form: FormData): Promise<CartActionState> {
  const productId = String(form.get("product_id") ?? "");
  const quantity = quantityOf(form.get("quantity"), 0);
  if (!UUID.test(productId) || quantity === null) return { error: "Choose a quantity from 0 to 99." };
  try {
    const token = await actionToken();
    if (token) {
      const client = api(token);
      const { error, response } =
        quantity === 0
          ? await client.DELETE("/api/cart/items/{product_id}", {
              params: { path: { product_id: productId } },
            })
          : await client.PUT("/api/cart/items/{product_id}", {
              params: { path: { product_id: productId } },
              body: { quantity },
            });
      if (!response.ok && response.status !== 404) {
        return {
          error:
            response.status === 409
              ? "Not enough in stock for that quantity."
              : errorInfo(response.status, error).message,
        };
      }
    } else {
      await writeGuestCart(setGuestLine(await readGuestCart(), productId, quantity));
    }
  } catch {
    return unreachable();
  }
  revalidatePath("/", "layout");
  return { ok: quantity === 0 ? "Removed from your cart." : "Quantity updated." };
}
