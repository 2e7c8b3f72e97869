import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { OrderLive } from "@/components/OrderLive";
import { OrderStatusBadge } from "@/components/OrderStatusBadge";
import { Price } from "@/components/Price";
import { ErrorPanel } from "@/components/States";
import { api } from "@/lib/api/client";
import { errorInfo, type ErrorInfo, unreachable } from "@/lib/api/errors";
import type { Order } from "@/lib/api/types";
import { cancelExplanation, reasonText, STATUS_LABEL } from "@/lib/orders";
import { requireSession } from "@/lib/session";

export const metadata: Metadata = { title: "Order" };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<{ placed?: string }> };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const when = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" });

async function loadOrder(token: string, id: string): Promise<{ order: Order } | { error: ErrorInfo }> {
  try {
    const { data, error, response } = await api(token).GET("/api/orders/{order_id}", {
      params: { path: { order_id: id } },
    });
    return data ? { order: data } : { error: errorInfo(response.status, error) };
  } catch {
    return { error: unreachable() };
  }
}

function Timeline({ order }: { order: Order }) {
  return (
    <ol className="space-y-3 border-l-2 border-slate-300 pl-4" data-testid="timeline">
      {order.status_history.map((change, i) => (
        <li key={`${change.status}-${i}`} className="relative">
          <span className="absolute -left-[1.4rem] top-1.5 h-3 w-3 rounded-full bg-brand-700" aria-hidden="true" />
          <p className="font-semibold">{STATUS_LABEL[change.status]}</p>
          <p className="text-sm text-slate-700">
            <time dateTime={change.at}>{when.format(new Date(change.at))} UTC</time>
            {change.reason ? ` — ${reasonText(change.reason)}` : null}
          </p>
        </li>
      ))}
    </ol>
  );
}

export default async function OrderPage({ params, searchParams }: Props) {
  const { id } = await params;
  const { placed } = await searchParams;
  const session = await requireSession(`/account/orders/${id}`);
  if (!UUID.test(id)) notFound();
  const result = await loadOrder(session.accessToken, id);
  if ("error" in result) {
    if (result.error.status === 404) notFound();
    return <ErrorPanel title="This order cannot be shown right now" message={result.error.message} />;
  }
  const { order } = result;
  const cancelled = cancelExplanation(order);
  return (
    <div className="space-y-6">
      {placed && order.status !== "CANCELLED" ? (
        <p role="status" className="rounded-lg bg-emerald-50 p-4 text-emerald-950">
          Thank you! Your order is placed.
        </p>
      ) : null}
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-bold">
          Order <span className="font-mono text-lg">{order.id.slice(0, 8)}</span>
        </h1>
        <OrderStatusBadge status={order.status} />
      </div>
      <OrderLive orderId={order.id} status={order.status} />
      {cancelled ? (
        <p role="alert" className="rounded-lg border border-red-200 bg-red-50 p-4 text-red-950" data-testid="cancel-reason">
          {cancelled}
        </p>
      ) : null}
      <div className="grid gap-6 md:grid-cols-2">
        <section aria-labelledby="items-heading" className="card p-4">
          <h2 id="items-heading" className="mb-3 text-lg font-semibold">
            Items
          </h2>
          <ul className="space-y-2 text-sm" role="list">
            {order.items.map((item) => (
              <li key={item.product_id} className="flex justify-between gap-2">
                <span>
                  {item.quantity} × {item.name}
                </span>
                <Price cents={item.unit_price_cents * item.quantity} currency={order.currency} />
              </li>
            ))}
          </ul>
          <p className="mt-3 flex justify-between border-t border-slate-200 pt-2 font-bold">
            <span>Total</span>
            <Price cents={order.total_cents} currency={order.currency} />
          </p>
          {order.payment?.last4 ? (
            <p className="mt-2 text-sm text-slate-700">
              Paid with {order.payment.brand ?? "card"} ending {order.payment.last4}
            </p>
          ) : null}
          <h3 className="mt-4 font-semibold">Shipping to</h3>
          <address className="text-sm not-italic text-slate-800">
            {order.shipping_address.name}
            <br />
            {order.shipping_address.line1}
            <br />
            {order.shipping_address.postal_code} {order.shipping_address.city}, {order.shipping_address.country}
          </address>
        </section>
        <section aria-labelledby="timeline-heading" className="card p-4">
          <h2 id="timeline-heading" className="mb-3 text-lg font-semibold">
            Status
          </h2>
          <Timeline order={order} />
        </section>
      </div>
      <Link href="/account" className="link">
        All your orders
      </Link>
    </div>
  );
}
