/** The dashboard's figures as a shop owner reads them: money from cents, counts with separators. */

import { formatMoney } from "@/lib/money";

export type Summary = {
  revenue_cents: number;
  orders: number;
  paid_orders: number;
  cancelled_orders: number;
  average_order_value_cents: number;
  customers: number;
  payment_failures: number;
  refunds: number;
  refunded_cents: number;
  units_sold: number;
  currency?: string;
};

export type Kpi = { key: string; label: string; value: string; note?: string };

const counts = new Intl.NumberFormat("en-US");

export function formatCount(n: number): string {
  return counts.format(n);
}

/** A share as "12.5%" (one decimal, none when whole); "—" when there is nothing to divide by. */
export function formatShare(part: number, whole: number): string {
  if (whole <= 0) return "—";
  const pct = Math.round((part / whole) * 1000) / 10;
  return `${pct}%`;
}

/** A chart axis label: "$1.2K", "$3.4M", "$12" (whole units, compact). */
export function formatCompactMoney(cents: number, currency = "USD"): string {
  return new Intl.NumberFormat("en-US", {
    style: "currency",
    currency,
    notation: "compact",
    minimumFractionDigits: 0,
    maximumFractionDigits: 1,
  }).format(cents / 100);
}

export function kpis(s: Summary): Kpi[] {
  const currency = s.currency ?? "USD";
  return [
    {
      key: "revenue",
      label: "Revenue",
      value: formatMoney(s.revenue_cents, currency),
      note: s.refunded_cents > 0 ? `after ${formatMoney(s.refunded_cents, currency)} refunded` : undefined,
    },
    {
      key: "orders",
      label: "Orders",
      value: formatCount(s.orders),
      note: `${formatCount(s.paid_orders)} paid, ${formatCount(s.cancelled_orders)} cancelled`,
    },
    { key: "aov", label: "Average order", value: formatMoney(s.average_order_value_cents, currency) },
    { key: "customers", label: "Customers", value: formatCount(s.customers) },
    {
      key: "failures",
      label: "Payment failures",
      value: formatCount(s.payment_failures),
      note: s.orders > 0 ? `${formatShare(s.payment_failures, s.orders)} of orders` : undefined,
    },
    {
      key: "refunds",
      label: "Refunds",
      value: formatCount(s.refunds),
      note: s.refunds > 0 ? formatMoney(s.refunded_cents, currency) : undefined,
    },
    { key: "units", label: "Units sold", value: formatCount(s.units_sold) },
  ];
}

/** A sales bucket's label on the chart's axis: "14:00" for hours, "3 Mar" for days (UTC). */
export function bucketLabel(bucket: string, interval: "day" | "hour"): string {
  const at = new Date(bucket);
  if (Number.isNaN(at.getTime())) return bucket;
  const options: Intl.DateTimeFormatOptions =
    interval === "hour"
      ? { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: "UTC" }
      : { day: "numeric", month: "short", timeZone: "UTC" };
  return new Intl.DateTimeFormat("en-GB", options).format(at);
}
