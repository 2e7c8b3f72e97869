import "server-only";

import { cookies, headers } from "next/headers";

import { api } from "@/lib/api/client";
import { errorInfo, type ErrorInfo, unreachable } from "@/lib/api/errors";
import type { Cart, Product } from "@/lib/api/types";
import { cookieOptions, GUEST_CART_COOKIE, GUEST_CART_MAX_AGE, isHttps } from "@/lib/cookies";
import { sessionSecret } from "@/lib/env";
import { decodeGuestCart, encodeGuestCart, type GuestLine } from "@/lib/guest-cart";

/** One cart line as every page shows it, whether the cart is a guest's or an account's. */
export type CartLine = {
  productId: string;
  name: string;
  unitPriceCents: number;
  quantity: number;
  available: number;
  lineTotalCents: number;
  purchasable: boolean;
};

export type CartView = {
  owner: "guest" | "account";
  lines: CartLine[];
  itemCount: number;
  totalCents: number;
  currency: string;
  warnings: string[];
};

export async function readGuestCart(): Promise<GuestLine[]> {
  const jar = await cookies();
  return decodeGuestCart(jar.get(GUEST_CART_COOKIE)?.value, sessionSecret());
}

export async function writeGuestCart(lines: GuestLine[]): Promise<void> {
  const jar = await cookies();
  if (lines.length === 0) {
    jar.delete(GUEST_CART_COOKIE);
    return;
  }
  const secure = isHttps(await headers());
  jar.set(
    GUEST_CART_COOKIE,
    encodeGuestCart(lines, sessionSecret()),
    cookieOptions(secure, GUEST_CART_MAX_AGE),
  );
}

/** The products a guest cart names, by id (a product that is gone is left out). */
export async function productsById(ids: string[]): Promise<Map<string, Product>> {
  const client = api();
  const found = await Promise.all(
    ids.map(async (id) => {
      const { data } = await client.GET("/api/products/{product_id}", {
        params: { path: { product_id: id } },
      });
      return data;
    }),
  );
  return new Map(found.filter((p): p is Product => !!p).map((p) => [p.id, p]));
}

async function guestView(): Promise<CartView> {
  const lines = await readGuestCart();
  const products = await productsById(lines.map((l) => l.productId));
  const view: CartView = {
    owner: "guest",
    lines: [],
    itemCount: 0,
    totalCents: 0,
    currency: "USD",
    warnings: [],
  };
  for (const line of lines) {
    const product = products.get(line.productId);
    if (!product) {
      view.warnings.push("An item in your cart is no longer sold and was left out.");
      continue;
    }
    view.currency = product.currency;
    const purchasable = product.stock >= line.quantity;
    if (product.stock === 0) view.warnings.push(`${product.name} is out of stock.`);
    else if (!purchasable) {
      view.warnings.push(`Only ${product.stock} of ${product.name} left: lower the quantity.`);
    }
    const lineTotal = product.price_cents * line.quantity;
    view.lines.push({
      productId: product.id,
      name: product.name,
      unitPriceCents: product.price_cents,
      quantity: line.quantity,
      available: product.stock,
      lineTotalCents: lineTotal,
      purchasable,
    });
    view.itemCount += line.quantity;
    view.totalCents += lineTotal;
  }
  return view;
}

/** The cart service's warnings as sentences for the shopper. */
export function describeWarnings(cart: Cart): string[] {
  const names = new Map(cart.items.map((i) => [i.product_id, i.name]));
  return cart.warnings.map((w) => {
    const name = names.get(w.product_id) ?? "An item";
    switch (w.code) {
      case "price_changed": {
        const p = w as { old_price_cents: number; new_price_cents: number };
        return p.new_price_cents > p.old_price_cents
          ? `The price of ${name} went up since you added it.`
          : `The price of ${name} went down since you added it.`;
      }
      case "insufficient_stock": {
        const s = w as { available: number };
        return s.available === 0
          ? `${name} is out of stock.`
          : `Only ${s.available} of ${name} left: lower the quantity.`;
      }
      default:
        return `${name} is no longer available.`;
    }
  });
}

function accountView(cart: Cart): CartView {
  return {
    owner: "account",
    lines: cart.items.map((i) => ({
      productId: i.product_id,
      name: i.name,
      unitPriceCents: i.unit_price_cents,
      quantity: i.quantity,
      available: i.available,
      lineTotalCents: i.line_total_cents,
      purchasable: i.purchasable,
    })),
    itemCount: cart.item_count,
    totalCents: cart.total_cents,
    currency: cart.currency,
    warnings: describeWarnings(cart),
  };
}

/** The shopper's cart: the account's when signed in, else the guest cookie's. */
export async function loadCart(
  accessToken: string | null,
): Promise<{ cart: CartView } | { error: ErrorInfo }> {
  try {
    if (!accessToken) return { cart: await guestView() };
    const { data, error, response } = await api(accessToken).GET("/api/cart");
    if (!data) return { error: errorInfo(response.status, error) };
    return { cart: accountView(data) };
  } catch {
    return { error: unreachable() };
  }
}

/** The number of items for the header (no product lookups for a guest). */
export async function cartCount(accessToken: string | null): Promise<number | null> {
  try {
    if (!accessToken) return (await readGuestCart()).reduce((n, l) => n + l.quantity, 0);
    const { data } = await api(accessToken).GET("/api/cart");
    return data?.item_count ?? null;
  } catch {
    return null;
  }
}
