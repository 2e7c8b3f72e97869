import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { ConfirmAction } from "@/components/admin/ConfirmAction";
import { OrderStatusBadge } from "@/components/OrderStatusBadge";
import { ErrorPanel } from "@/components/States";
import { cancelOrder, shipOrder } from "@/lib/admin/actions";
import { requireAdmin } from "@/lib/admin/auth";
import { api } from "@/lib/api/client";
import type { components } from "@/lib/api/schema";
import type { Order } from "@/lib/api/types";
import { formatMoney } from "@/lib/money";
import { reasonText, STATUS_LABEL } from "@/lib/orders";

export const metadata: Metadata = { title: "Order" };

type Payment = components["schemas"]["PaymentPaymentOut"];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const when = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" });

async function loadOrder(token: string, id: string): Promise<Order | null | "down"> {
  try {
    const { data, response } = await api(token).GET("/api/orders/{order_id}", { params: { path: { order_id: id } } });
    if (data) return data;
    return response.status === 404 ? null : "down";
  } catch {
    return "down";
  }
}

/** Every payment attempt for the order (a declined card, then an approved one, a refund). */
async function loadPayments(token: string, id: string): Promise<Payment[] | null> {
  try {
    const { data } = await api(token).GET("/api/payments", { params: { query: { order_id: id } } });
    return data ?? null;
  } catch {
    return null;
  }
}

export default async function AdminOrderPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const session = await requireAdmin(`/admin/orders/${id}`);
  if (!UUID.test(id)) notFound();
  const [order, payments] = await Promise.all([loadOrder(session.accessToken, id), loadPayments(session.accessToken, id)]);
  if (order === null) notFound();
  if (order === "down") {
    return <ErrorPanel title="This order cannot be shown right now" message="The order service is not answering. Please try again in a moment." />;
  }
  return (
    <div className="space-y-4">
      <Link href="/admin/orders" className="link text-sm">All orders</Link>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-bold">
          Order <span className="font-mono text-lg">{order.id.slice(0, 8)}</span>
        </h1>
        <OrderStatusBadge status={order.status} />
      </div>
      <div className="flex flex-wrap gap-3" data-testid="order-actions">
        {order.status === "PAID" ? (
          <ConfirmAction label="Mark as shipped" question="Mark this order as shipped? The customer sees it at once." confirmLabel="Yes, shipped" action={shipOrder.bind(null, order.id)} />
        ) : null}
        {order.status === "PENDING" ? (
          <ConfirmAction label="Cancel order" question="Cancel this order? Its stock is released." confirmLabel="Yes, cancel it" danger action={cancelOrder.bind(null, order.id)} />
        ) : null}
      </div>
      <div className="grid gap-4 lg:grid-cols-3">
        <section aria-labelledby="items-heading" className="card p-4 lg:col-span-2">
          <h2 id="items-heading" className="mb-3 text-lg font-semibold">Items</h2>
          <div className="relative overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead>
                <tr className="border-b border-slate-200">
                  <th scope="col" className="py-1">Product</th>
                  <th scope="col" className="py-1 text-right">Unit price</th>
                  <th scope="col" className="py-1 text-right">Qty</th>
                  <th scope="col" className="py-1 text-right">Line</th>
                </tr>
              </thead>
              <tbody>
                {order.items.map((item) => (
                  <tr key={item.product_id} className="border-b border-slate-100">
                    <td className="py-1"><Link href={`/admin/products/${item.product_id}`} className="link">{item.name}</Link></td>
                    <td className="py-1 text-right tabular-nums">{formatMoney(item.unit_price_cents, order.currency)}</td>
                    <td className="py-1 text-right tabular-nums">{item.quantity}</td>
                    <td className="py-1 text-right tabular-nums">{formatMoney(item.unit_price_cents * item.quantity, order.currency)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row" colSpan={3} className="py-1 text-right">Total</th>
                  <td className="py-1 text-right font-bold tabular-nums">{formatMoney(order.total_cents, order.currency)}</td>
                </tr>
              </tfoot>
            </table>
          </div>
          <h3 className="mt-4 font-semibold">Ship to</h3>
          <address className="text-sm not-italic text-slate-800">
            {order.shipping_address.name}<br />
            {order.shipping_address.line1}<br />
            {order.shipping_address.postal_code} {order.shipping_address.city}, {order.shipping_address.country}
          </address>
          <p className="mt-2 text-xs text-slate-700">Customer id <span className="font-mono">{order.user_id}</span></p>
        </section>
        <section aria-labelledby="timeline-heading" className="card p-4">
          <h2 id="timeline-heading" className="mb-3 text-lg font-semibold">Status timeline</h2>
          <ol className="space-y-3 border-l-2 border-slate-300 pl-4" data-testid="timeline">
            {order.status_history.map((change, i) => (
              <li key={`${change.status}-${i}`}>
                <p className="font-semibold">{STATUS_LABEL[change.status]}</p>
                <p className="text-sm text-slate-700">
                  <time dateTime={change.at}>{when.format(new Date(change.at))} UTC</time>
                  {change.reason ? ` — ${change.reason.replace(/_/g, " ")}` : null}
                </p>
              </li>
            ))}
          </ol>
        </section>
      </div>
      <section aria-labelledby="payment-heading" className="card p-4">
        <h2 id="payment-heading" className="mb-3 text-lg font-semibold">Payment</h2>
        {order.payment ? (
          <p className="text-sm" data-testid="payment-summary">
            {order.payment.status} · {order.payment.brand ?? "card"}
            {order.payment.last4 ? ` ending ${order.payment.last4}` : ""}
            {order.payment.decline_reason ? ` · declined: ${reasonText(order.payment.decline_reason)}` : ""}
          </p>
        ) : (
          <p className="text-sm text-slate-700">No payment yet.</p>
        )}
        {payments === null ? (
          <p className="mt-2 text-sm text-slate-700">The payment history is unavailable right now.</p>
        ) : payments.length > 0 ? (
          <div className="relative mt-3 overflow-x-auto" tabIndex={0} role="region" aria-label="Payment attempts">
            <table className="w-full min-w-[32rem] text-left text-sm">
              <caption className="sr-only">Payment attempts</caption>
              <thead>
                <tr className="border-b border-slate-200">
                  <th scope="col" className="py-1">When (UTC)</th>
                  <th scope="col" className="py-1">Status</th>
                  <th scope="col" className="py-1">Card</th>
                  <th scope="col" className="py-1">Decline reason</th>
                  <th scope="col" className="py-1 text-right">Amount</th>
                </tr>
              </thead>
              <tbody>
                {payments.map((p) => (
                  <tr key={p.id} className="border-b border-slate-100">
                    <td className="py-1">{when.format(new Date(p.created_at))}</td>
                    <td className="py-1">{p.status}</td>
                    <td className="py-1">{p.brand ?? "—"}{p.last4 ? ` •••• ${p.last4}` : ""}</td>
                    <td className="py-1">{p.decline_reason ? reasonText(p.decline_reason) : "—"}</td>
                    <td className="py-1 text-right tabular-nums">{formatMoney(p.amount_cents, p.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
    </div>
  );
}
