import type { Metadata } from "next";
import { Suspense } from "react";

import { AbandonedCarts, KpiCards, PanelSkeleton, SalesTrend, TopProducts } from "@/components/admin/DashboardSections";
import { RangePicker } from "@/components/admin/RangePicker";
import { Notice } from "@/components/States";
import { requireAdmin } from "@/lib/admin/auth";
import { rangeQuery, resolveRange } from "@/lib/admin/range";

export const metadata: Metadata = { title: "Dashboard" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Every part loads on its own (Suspense): a slow or stopped service holds up only its part. */
export default async function DashboardPage({ searchParams }: Props) {
  const session = await requireAdmin("/admin");
  const params = await searchParams;
  const range = resolveRange({
    range: one(params.range),
    from: one(params.from),
    to: one(params.to),
    interval: one(params.interval),
  });
  const by = one(params.top) === "units" ? "units" : "revenue";
  const extra: Record<string, string> = by === "units" ? { top: "units" } : {};
  const hrefFor = (b: string) => `/admin${rangeQuery(range)}${b === "units" ? "&top=units" : ""}`;
  const key = `${range.fromIso}-${range.toIso}-${range.interval}`;
  const token = session.accessToken;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Dashboard</h1>
      {range.problem ? <Notice lines={[`${range.problem} Showing the last 30 days instead.`]} /> : null}
      <RangePicker range={range} extra={extra} />
      <Suspense key={`kpi-${key}`} fallback={<PanelSkeleton label="Loading the key figures" tall={false} />}>
        <KpiCards token={token} range={range} />
      </Suspense>
      <Suspense key={`sales-${key}`} fallback={<PanelSkeleton label="Loading the sales trend" />}>
        <SalesTrend token={token} range={range} />
      </Suspense>
      <div className="grid gap-6 lg:grid-cols-2">
        <Suspense key={`top-${by}`} fallback={<PanelSkeleton label="Loading the top products" />}>
          <TopProducts token={token} by={by} hrefFor={hrefFor} />
        </Suspense>
        <Suspense fallback={<PanelSkeleton label="Loading the abandoned carts" />}>
          <AbandonedCarts token={token} />
        </Suspense>
      </div>
    </div>
  );
}
