"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";

import { formatCompactMoney, formatCount } from "@/lib/admin/kpi";
import { formatMoney } from "@/lib/money";

export type SalesPoint = { label: string; revenue_cents: number; orders: number };

/** Revenue per hour or day; the figures are also listed in a table beside it for screen readers. */
export function SalesChart({ points, currency }: { points: SalesPoint[]; currency: string }) {
  return (
    <div className="h-72 w-full" data-testid="sales-chart" aria-hidden="true">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart accessibilityLayer={false} data={points} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
          <XAxis dataKey="label" tick={{ fontSize: 12, fill: "#334155" }} minTickGap={24} />
          <YAxis
            tick={{ fontSize: 12, fill: "#334155" }}
            tickFormatter={(v: number) => formatCompactMoney(v, currency)}
            width={64}
          />
          <Tooltip
            formatter={(value, name) =>
              name === "revenue_cents"
                ? [formatMoney(Number(value), currency), "Revenue"]
                : [formatCount(Number(value)), "Orders"]
            }
          />
          <Line
            type="monotone"
            dataKey="revenue_cents"
            stroke="#1e40af"
            strokeWidth={2}
            dot={points.length <= 31}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

export type TopPoint = { name: string; value: number };

export function TopProductsChart({
  points,
  by,
  currency,
}: {
  points: TopPoint[];
  by: "revenue" | "units";
  currency: string;
}) {
  const format = (v: number) => (by === "revenue" ? formatCompactMoney(v, currency) : formatCount(v));
  return (
    <div className="h-72 w-full" data-testid="top-chart" aria-hidden="true">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart accessibilityLayer={false} data={points} layout="vertical" margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" tick={{ fontSize: 12, fill: "#334155" }} tickFormatter={format} />
          <YAxis
            type="category"
            dataKey="name"
            width={140}
            tick={{ fontSize: 12, fill: "#334155" }}
            tickFormatter={(name: string) => (name.length > 20 ? `${name.slice(0, 19)}…` : name)}
          />
          <Tooltip
            formatter={(value) => [
              by === "revenue" ? formatMoney(Number(value), currency) : formatCount(Number(value)),
              by === "revenue" ? "Revenue" : "Units",
            ]}
          />
          <Bar dataKey="value" fill="#1e40af" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
