import type { Metadata } from "next";
import Link from "next/link";

import { Pager } from "@/components/admin/Pager";
import { OrderStatusBadge } from "@/components/OrderStatusBadge";
import { EmptyState, ErrorPanel } from "@/components/States";
import { requireAdmin } from "@/lib/admin/auth";
import { PAGE_SIZE, pageOf } from "@/lib/admin/catalog";
import { api } from "@/lib/api/client";
import type { OrderPage, OrderStatus } from "@/lib/api/types";
import { formatMoney } from "@/lib/money";
import { STATUS_LABEL } from "@/lib/orders";

export const metadata: Metadata = { title: "Orders" };

const STATUSES: OrderStatus[] = ["PENDING", "PAID", "SHIPPED", "CANCELLED"];
const when = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

type Props = { searchParams: Promise<{ status?: string; page?: string }> };

async function loadOrders(token: string, status: OrderStatus | undefined, page: number): Promise<OrderPage | null> {
  try {
    const { data } = await api(token).GET("/api/orders", {
      params: { query: { all: true, status, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE } },
    });
    return data ?? null;
  } catch {
    return null;
  }
}

export default async function OrdersPage({ searchParams }: Props) {
  const session = await requireAdmin("/admin/orders");
  const params = await searchParams;
  const status = STATUSES.find((s) => s === params.status);
  const page = pageOf(params.page);
  const orders = await loadOrders(session.accessToken, status, page);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Orders</h1>
      <nav aria-label="Filter by status" className="flex flex-wrap gap-2">
        {[undefined, ...STATUSES].map((s) => (
          <Link
            key={s ?? "all"}
            href={s ? `/admin/orders?status=${s}` : "/admin/orders"}
            aria-current={status === s ? "true" : undefined}
            className={status === s ? "btn bg-slate-800 text-white" : "btn-secondary"}
          >
            {s ? STATUS_LABEL[s] : "All"}
          </Link>
        ))}
      </nav>
      {!orders ? (
        <ErrorPanel title="Orders are unavailable" message="The order service is not answering right now. Please try again in a moment." />
      ) : orders.items.length === 0 ? (
        <EmptyState title="No orders here" />
      ) : (
        <>
          <div className="card relative overflow-x-auto">
            <table className="w-full min-w-[40rem] text-left text-sm" data-testid="orders-table">
              <thead className="bg-slate-50">
                <tr>
                  <th scope="col" className="px-3 py-2">Order</th>
                  <th scope="col" className="px-3 py-2">Placed (UTC)</th>
                  <th scope="col" className="px-3 py-2">Customer</th>
                  <th scope="col" className="px-3 py-2">Status</th>
                  <th scope="col" className="px-3 py-2 text-right">Items</th>
                  <th scope="col" className="px-3 py-2 text-right">Total</th>
                </tr>
              </thead>
              <tbody>
                {orders.items.map((o) => (
                  <tr key={o.id} className="border-t border-slate-100" data-testid="order-row">
                    <td className="px-3 py-2">
                      <Link href={`/admin/orders/${o.id}`} className="link font-mono">{o.id.slice(0, 8)}</Link>
                    </td>
                    <td className="px-3 py-2">{when.format(new Date(o.created_at))}</td>
                    <td className="px-3 py-2">{o.shipping_address.name}</td>
                    <td className="px-3 py-2"><OrderStatusBadge status={o.status} /></td>
                    <td className="px-3 py-2 text-right tabular-nums">{o.items.reduce((n, i) => n + i.quantity, 0)}</td>
                    <td className="px-3 py-2 text-right tabular-nums">{formatMoney(o.total_cents, o.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager path="/admin/orders" params={{ status }} page={page} total={orders.total} pageSize={PAGE_SIZE} />
        </>
      )}
    </div>
  );
}
