import Link from "next/link";

import { ErrorPanel, EmptyState } from "@/components/States";
import { loadAbandonedCarts, loadSales, loadSummary, loadTopProducts } from "@/lib/admin/dashboard";
import { bucketLabel, formatCount, kpis } from "@/lib/admin/kpi";
import type { DateRange } from "@/lib/admin/range";
import { formatMoney } from "@/lib/money";

import { SalesChart, TopProductsChart } from "./charts";

const DOWN = "The analytics service is not answering right now; the rest of the dashboard still works.";
const when = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

function Panel({ id, title, children, aside }: { id: string; title: string; children: React.ReactNode; aside?: React.ReactNode }) {
  return (
    <section aria-labelledby={id} className="card p-4">
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <h2 id={id} className="text-lg font-semibold">
          {title}
        </h2>
        {aside}
      </div>
      {children}
    </section>
  );
}

export async function KpiCards({ token, range }: { token: string; range: DateRange }) {
  const summary = await loadSummary(token, range);
  if (!summary) return <ErrorPanel title="Sales figures are unavailable" message={DOWN} />;
  return (
    <section aria-label="Key figures">
      <ul className="grid grid-cols-2 gap-3 md:grid-cols-4 xl:grid-cols-7" data-testid="kpis">
        {kpis(summary).map((k) => (
          <li key={k.key} className="card p-3" data-testid={`kpi-${k.key}`}>
            <p className="text-sm font-medium text-slate-700">{k.label}</p>
            <p className="mt-1 text-xl font-bold tabular-nums">{k.value}</p>
            {k.note ? <p className="mt-0.5 text-xs text-slate-700">{k.note}</p> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

export async function SalesTrend({ token, range }: { token: string; range: DateRange }) {
  const buckets = await loadSales(token, range);
  const title = range.interval === "hour" ? "Sales per hour" : "Sales per day";
  if (!buckets) {
    return (
      <Panel id="sales-heading" title={title}>
        <ErrorPanel title="The sales trend is unavailable" message={DOWN} />
      </Panel>
    );
  }
  const points = buckets.map((b) => ({
    label: bucketLabel(b.bucket, range.interval),
    revenue_cents: b.revenue_cents,
    orders: b.orders,
  }));
  const any = buckets.some((b) => b.orders > 0 || b.revenue_cents !== 0);
  return (
    <Panel id="sales-heading" title={title}>
      {any ? (
        <>
          <SalesChart points={points} currency="USD" />
          <details className="mt-2 text-sm">
            <summary className="cursor-pointer font-medium text-brand-700">Show as a table</summary>
            <table className="mt-2 w-full text-left">
              <thead>
                <tr className="border-b border-slate-200">
                  <th scope="col" className="py-1">When (UTC)</th>
                  <th scope="col" className="py-1 text-right">Orders</th>
                  <th scope="col" className="py-1 text-right">Revenue</th>
                </tr>
              </thead>
              <tbody>
                {points.filter((p) => p.orders > 0 || p.revenue_cents !== 0).map((p) => (
                  <tr key={p.label} className="border-b border-slate-100">
                    <td className="py-1">{p.label}</td>
                    <td className="py-1 text-right tabular-nums">{formatCount(p.orders)}</td>
                    <td className="py-1 text-right tabular-nums">{formatMoney(p.revenue_cents, "USD")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      ) : (
        <EmptyState title="No sales in this range">Orders appear here as soon as they are placed.</EmptyState>
      )}
    </Panel>
  );
}

export async function TopProducts({ token, by, hrefFor }: { token: string; by: "revenue" | "units"; hrefFor: (by: string) => string }) {
  const top = await loadTopProducts(token, by);
  const toggle = (
    <nav aria-label="Rank top products by" className="flex gap-1 text-sm">
      {(["revenue", "units"] as const).map((b) => (
        <Link key={b} href={hrefFor(b)} aria-current={by === b ? "true" : undefined}
          className={by === b ? "btn bg-slate-800 px-3 py-1 text-white" : "btn-secondary px-3 py-1"}>
          {b === "revenue" ? "Revenue" : "Units"}
        </Link>
      ))}
    </nav>
  );
  return (
    <Panel id="top-heading" title="Top products (all time)" aside={toggle}>
      {!top ? (
        <ErrorPanel title="Top products are unavailable" message={DOWN} />
      ) : top.length === 0 ? (
        <EmptyState title="Nothing sold yet" />
      ) : (
        <>
          <TopProductsChart
            by={by}
            currency="USD"
            points={top.map((t) => ({ name: t.name, value: by === "revenue" ? t.revenue_cents : t.units }))}
          />
          <ol className="mt-2 space-y-1 text-sm" data-testid="top-products">
            {top.map((t, i) => (
              <li key={t.product_id} className="flex justify-between gap-2">
                <span>
                  {i + 1}.{" "}
                  <Link href={`/admin/products/${t.product_id}`} className="link">
                    {t.name}
                  </Link>
                </span>
                <span className="tabular-nums text-slate-800">
                  {formatMoney(t.revenue_cents, "USD")} · {formatCount(t.units)} {t.units === 1 ? "unit" : "units"}
                </span>
              </li>
            ))}
          </ol>
        </>
      )}
    </Panel>
  );
}

export async function AbandonedCarts({ token }: { token: string }) {
  const carts = await loadAbandonedCarts(token, 60);
  return (
    <Panel id="abandoned-heading" title="Abandoned carts (idle over an hour)">
      {!carts ? (
        <ErrorPanel title="Abandoned carts are unavailable" message={DOWN} />
      ) : carts.count === 0 ? (
        <EmptyState title="No abandoned carts" />
      ) : (
        <>
          <p className="mb-2 text-sm text-slate-800" data-testid="abandoned-total">
            {formatCount(carts.count)} carts worth {formatMoney(carts.value_cents, "USD")}
          </p>
          <div className="relative overflow-x-auto" tabIndex={0} role="region" aria-label="Abandoned carts">
            <table className="w-full min-w-[28rem] text-left text-sm">
              <thead>
                <tr className="border-b border-slate-200">
                  <th scope="col" className="py-1">Customer</th>
                  <th scope="col" className="py-1 text-right">Items</th>
                  <th scope="col" className="py-1 text-right">Value</th>
                  <th scope="col" className="py-1">Last active (UTC)</th>
                </tr>
              </thead>
              <tbody>
                {carts.carts.map((c) => (
                  <tr key={c.user_id} className="border-b border-slate-100">
                    <td className="py-1 font-mono text-xs">{c.user_id.slice(0, 8)}</td>
                    <td className="py-1 text-right tabular-nums">{formatCount(c.item_count)}</td>
                    <td className="py-1 text-right tabular-nums">{formatMoney(c.value_cents, "USD")}</td>
                    <td className="py-1">{when.format(new Date(c.last_activity))}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </Panel>
  );
}

export function PanelSkeleton({ label, tall = true }: { label: string; tall?: boolean }) {
  return (
    <div role="status" aria-label={label} className="card p-4">
      <div className="h-5 w-40 animate-pulse rounded bg-slate-200" />
      <div className={`mt-3 w-full animate-pulse rounded bg-slate-100 ${tall ? "h-64" : "h-16"}`} />
      <span className="sr-only">{label}…</span>
    </div>
  );
}
