import type { Metadata } from "next";
import Link from "next/link";

import { OrderStatusBadge } from "@/components/OrderStatusBadge";
import { Price } from "@/components/Price";
import { EmptyState, ErrorPanel } from "@/components/States";
import { LogoutButton } from "@/components/LogoutButton";
import { api } from "@/lib/api/client";
import { safely } from "@/lib/api/safe";
import { getUser, requireSession } from "@/lib/session";

export const metadata: Metadata = { title: "Your account" };

const PAGE = 10;
const day = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });

type Props = { searchParams: Promise<{ page?: string }> };

export default async function AccountPage({ searchParams }: Props) {
  const session = await requireSession("/account");
  const page = Math.max(1, Number.parseInt((await searchParams).page ?? "1", 10) || 1);
  const [user, orders] = await Promise.all([
    getUser(),
    safely(
      async () =>
        (
          await api(session.accessToken).GET("/api/orders", {
            params: { query: { limit: PAGE, offset: (page - 1) * PAGE } },
          })
        ).data,
    ),
  ]);
  const pages = orders ? Math.max(1, Math.ceil(orders.total / PAGE)) : 1;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold">Your account</h1>
          {user ? (
            <p className="text-slate-800" data-testid="account-user">
              {user.username} · {user.email}
            </p>
          ) : null}
        </div>
        <LogoutButton className="btn-secondary" />
      </div>
      <section aria-labelledby="orders-heading" className="space-y-3">
        <h2 id="orders-heading" className="text-xl font-bold">
          Orders
        </h2>
        {!orders ? (
          <ErrorPanel title="Your orders cannot be shown right now" message="The order service is not answering. Please try again soon." />
        ) : orders.items.length === 0 ? (
          <EmptyState title="No orders yet">
            <Link href="/products" className="link">
              Find something you like
            </Link>
          </EmptyState>
        ) : (
          <ul className="space-y-2" role="list">
            {orders.items.map((order) => (
              <li key={order.id} data-testid="order-row">
                <Link href={`/account/orders/${order.id}`} className="card flex flex-wrap items-center justify-between gap-3 p-4 hover:border-brand-600">
                  <span>
                    <span className="font-mono font-semibold">{order.id.slice(0, 8)}</span>
                    <span className="ml-2 text-sm text-slate-700">
                      {day.format(new Date(order.created_at))} · {order.items.reduce((n, i) => n + i.quantity, 0)} items
                    </span>
                  </span>
                  <span className="flex items-center gap-3">
                    <Price cents={order.total_cents} currency={order.currency} className="font-semibold" />
                    <OrderStatusBadge status={order.status} />
                  </span>
                </Link>
              </li>
            ))}
          </ul>
        )}
        {orders && pages > 1 ? (
          <nav aria-label="Order pages" className="flex items-center gap-3">
            {page > 1 ? <Link href={`/account?page=${page - 1}`} className="btn-secondary">Newer</Link> : null}
            <span className="text-sm">Page {page} of {pages}</span>
            {page < pages ? <Link href={`/account?page=${page + 1}`} className="btn-secondary">Older</Link> : null}
          </nav>
        ) : null}
      </section>
    </div>
  );
}
