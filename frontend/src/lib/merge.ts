import "server-only";

import { api } from "@/lib/api/client";
import { productsById, readGuestCart, writeGuestCart } from "@/lib/cart";
import { describeNotices, planMerge } from "@/lib/cart-merge";

const KEPT = "We could not move your cart into your account yet; it is kept for later.";

/**
 * After signing up or in: the guest cart's lines go into the account's cart, quantities capped
 * by stock; returns a sentence for every line that could not be kept whole. The guest cookie is
 * emptied once the account's cart holds what could be kept.
 */
export async function mergeGuestCartInto(
  accessToken: string,
): Promise<{ merged: boolean; notices: string[] }> {
  const guest = await readGuestCart();
  if (guest.length === 0) return { merged: false, notices: [] };
  const client = api(accessToken);
  try {
    const [{ data: cart }, products] = await Promise.all([
      client.GET("/api/cart"),
      productsById(guest.map((l) => l.productId)),
    ]);
    if (!cart) return { merged: false, notices: [KEPT] };
    const account = new Map(cart.items.map((i) => [i.product_id, i.quantity]));
    const available = new Map([...products.values()].map((p) => [p.id, p.stock]));
    const plan = planMerge(guest, account, available);
    const failed: string[] = [];
    for (const op of plan.ops) {
      const { response } =
        op.kind === "add"
          ? await client.POST("/api/cart/items", {
              body: { product_id: op.productId, quantity: op.quantity },
            })
          : await client.PUT("/api/cart/items/{product_id}", {
              params: { path: { product_id: op.productId } },
              body: { quantity: op.quantity },
            });
      if (!response.ok) failed.push(products.get(op.productId)?.name ?? "An item");
    }
    await writeGuestCart([]);
    const names = new Map([...products.values()].map((p) => [p.id, p.name]));
    const notices = [
      ...describeNotices(plan.notices, names),
      ...failed.map((name) => `${name} could not be added to your cart.`),
    ];
    return { merged: true, notices };
  } catch {
    return { merged: false, notices: [KEPT] };
  }
}
