import type { GuestLine } from "./guest-cart";

/** What to do to the account's cart so it holds the guest's lines too. */
export type MergeOp =
  | { kind: "add"; productId: string; quantity: number }
  | { kind: "set"; productId: string; quantity: number };

export type MergeNotice = {
  productId: string;
  wanted: number;
  kept: number;
  reason: "stock" | "unavailable";
};

export type MergePlan = { ops: MergeOp[]; notices: MergeNotice[] };

/**
 * Merge a guest cart into an account cart: quantities for the same product add up, capped by
 * the stock available (`available` maps product id → units, missing = product unknown/gone).
 * Every line kept below what was wanted gets a notice for the shopper.
 */
export function planMerge(
  guest: GuestLine[],
  account: ReadonlyMap<string, number>,
  available: ReadonlyMap<string, number>,
): MergePlan {
  const ops: MergeOp[] = [];
  const notices: MergeNotice[] = [];
  const wantedBy = new Map<string, number>();
  for (const line of guest) {
    wantedBy.set(line.productId, (wantedBy.get(line.productId) ?? 0) + line.quantity);
  }
  for (const [productId, guestQuantity] of wantedBy) {
    const inAccount = account.get(productId) ?? 0;
    const wanted = inAccount + guestQuantity;
    const stock = available.get(productId);
    if (stock === undefined) {
      notices.push({ productId, wanted, kept: inAccount, reason: "unavailable" });
      continue;
    }
    const kept = Math.max(0, Math.min(wanted, stock));
    if (kept < wanted) notices.push({ productId, wanted, kept, reason: "stock" });
    if (kept === inAccount) continue;
    if (kept === 0 && inAccount === 0) continue;
    ops.push(
      inAccount > 0
        ? { kind: "set", productId, quantity: kept }
        : { kind: "add", productId, quantity: kept },
    );
  }
  return { ops, notices };
}

/** One sentence per capped line, for the notice shown after signing in. */
export function describeNotices(notices: MergeNotice[], names: ReadonlyMap<string, string>) {
  return notices.map((n) => {
    const name = names.get(n.productId) ?? "An item";
    if (n.reason === "unavailable") return `${name} is no longer available and was not added.`;
    if (n.kept === 0) return `${name} is out of stock and was not added.`;
    return `${name}: only ${n.kept} in stock, so your cart has ${n.kept} (you wanted ${n.wanted}).`;
  });
}
