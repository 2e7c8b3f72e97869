import type { OrderStatus } from "@/lib/api/types";
import { STATUS_LABEL } from "@/lib/orders";

const TONE: Record<OrderStatus, string> = {
  PENDING: "bg-amber-50 text-amber-900 ring-amber-300",
  PAID: "bg-emerald-50 text-emerald-900 ring-emerald-300",
  SHIPPED: "bg-sky-50 text-sky-900 ring-sky-300",
  CANCELLED: "bg-red-50 text-red-900 ring-red-300",
};

export function OrderStatusBadge({ status }: { status: OrderStatus }) {
  return (
    <span className={`inline-block rounded-full px-2.5 py-0.5 text-sm font-semibold ring-1 ${TONE[status]}`} data-testid="order-status">
      {STATUS_LABEL[status]}
    </span>
  );
}
