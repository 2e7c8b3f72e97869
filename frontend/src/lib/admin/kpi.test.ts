import { describe, expect, it } from "vitest";

import { bucketLabel, formatCompactMoney, formatCount, formatShare, type Kpi, kpis, type Summary } from "./kpi";

const SUMMARY: Summary = {
  revenue_cents: 123456789,
  orders: 1204,
  paid_orders: 1100,
  cancelled_orders: 104,
  average_order_value_cents: 112233,
  customers: 987,
  payment_failures: 60,
  refunds: 3,
  refunded_cents: 4500,
  units_sold: 20345,
  currency: "USD",
};

describe("kpis", () => {
  it("formats money from cents and counts with separators", () => {
    const all = kpis(SUMMARY);
    const value = (key: string): Kpi => all.find((k) => k.key === key) as Kpi;
    expect(value("revenue").value).toBe("$1,234,567.89");
    expect(value("revenue").note).toBe("after $45.00 refunded");
    expect(value("orders").value).toBe("1,204");
    expect(value("orders").note).toBe("1,100 paid, 104 cancelled");
    expect(value("aov").value).toBe("$1,122.33");
    expect(value("customers").value).toBe("987");
    expect(value("failures").note).toBe("5% of orders");
    expect(value("refunds").note).toBe("$45.00");
    expect(value("units").value).toBe("20,345");
  });

  it("shows an empty range as zeros without notes that divide by zero", () => {
    const empty = kpis({ ...SUMMARY, revenue_cents: 0, orders: 0, paid_orders: 0, cancelled_orders: 0,
      average_order_value_cents: 0, customers: 0, payment_failures: 0, refunds: 0, refunded_cents: 0, units_sold: 0 });
    expect(empty.map((k) => k.value)).toEqual(["$0.00", "0", "$0.00", "0", "0", "0", "0"]);
    expect(empty.find((k) => k.key === "failures")?.note).toBeUndefined();
    expect(empty.find((k) => k.key === "revenue")?.note).toBeUndefined();
  });

  it("uses the summary's currency", () => {
    expect(kpis({ ...SUMMARY, currency: "EUR" })[0]?.value).toBe("€1,234,567.89");
  });
});

describe("formatting helpers", () => {
  it("formats counts, shares and compact money", () => {
    expect(formatCount(1234567)).toBe("1,234,567");
    expect(formatShare(1, 3)).toBe("33.3%");
    expect(formatShare(1, 0)).toBe("—");
    expect(formatCompactMoney(123456)).toBe("$1.2K");
    expect(formatCompactMoney(1200)).toBe("$12");
  });

  it("labels buckets by hour or day in UTC", () => {
    expect(bucketLabel("2026-03-10T14:00:00Z", "hour")).toBe("10 Mar, 14:00");
    expect(bucketLabel("2026-03-10T00:00:00Z", "day")).toBe("10 Mar");
    expect(bucketLabel("not a time", "day")).toBe("not a time");
  });
});
