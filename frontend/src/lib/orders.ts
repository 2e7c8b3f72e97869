import type { Order, OrderStatus } from "@/lib/api/types";

export const FINAL_STATUSES: ReadonlySet<OrderStatus> = new Set(["PAID", "SHIPPED", "CANCELLED"]);

export const STATUS_LABEL: Record<OrderStatus, string> = {
  PENDING: "Awaiting payment",
  PAID: "Paid",
  SHIPPED: "Shipped",
  CANCELLED: "Cancelled",
};

const REASONS: Record<string, string> = {
  card_declined: "your card was declined",
  insufficient_funds: "your card has insufficient funds",
  expired_card: "your card has expired",
  cancelled_by_customer: "you cancelled it",
  cancelled_by_admin: "the shop cancelled it",
  insufficient_stock: "an item ran out of stock (your payment was refunded)",
  out_of_stock: "an item ran out of stock (your payment was refunded)",
};

/** A reason code from the services → words for the shopper. */
export function reasonText(code: string | null | undefined): string | null {
  if (!code) return null;
  if (REASONS[code]) return REASONS[code];
  if (/stock/i.test(code)) return "an item ran out of stock (your payment was refunded)";
  if (/declin/i.test(code)) return "your card was declined";
  return code.replace(/_/g, " ");
}

/** Why an order was cancelled, as a sentence; null when it was not. */
export function cancelExplanation(order: Order): string | null {
  if (order.status !== "CANCELLED") return null;
  const reason =
    reasonText(order.payment?.decline_reason) ??
    reasonText(order.cancel_reason) ??
    reasonText(order.status_history.findLast((c) => c.status === "CANCELLED")?.reason);
  return reason ? `This order was cancelled because ${reason}.` : "This order was cancelled.";
}
