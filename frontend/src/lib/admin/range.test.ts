import { describe, expect, it } from "vitest";

import { describeRange, MAX_DAYS, parseDay, rangeQuery, resolveRange } from "./range";

const NOW = new Date("2026-03-10T15:42:00Z");

describe("resolveRange", () => {
  it("defaults to the last 30 days by day", () => {
    const r = resolveRange({}, NOW);
    expect(r).toMatchObject({ preset: "30d", from: "2026-02-09", to: "2026-03-10", interval: "day" });
    expect(r.fromIso).toBe("2026-02-09T00:00:00.000Z");
    expect(r.toIso).toBe("2026-03-11T00:00:00.000Z");
  });

  it("today is one UTC day, hourly", () => {
    const r = resolveRange({ range: "today" }, NOW);
    expect(r).toMatchObject({ from: "2026-03-10", to: "2026-03-10", interval: "hour" });
    expect(r.toIso).toBe("2026-03-11T00:00:00.000Z");
  });

  it("7 days includes today", () => {
    expect(resolveRange({ range: "7d" }, NOW)).toMatchObject({ from: "2026-03-04", to: "2026-03-10" });
  });

  it("keeps a custom range and its interval", () => {
    const r = resolveRange({ range: "custom", from: "2026-03-01", to: "2026-03-03", interval: "hour" }, NOW);
    expect(r).toMatchObject({ preset: "custom", from: "2026-03-01", to: "2026-03-03", interval: "hour" });
    expect(r.problem).toBeUndefined();
  });

  it("falls back to 30 days with a reason for impossible custom ranges", () => {
    expect(resolveRange({ range: "custom", from: "2026-03-05", to: "2026-03-01" }, NOW).problem).toMatch(/after/);
    expect(resolveRange({ range: "custom", from: "2026-02-30", to: "2026-03-01" }, NOW).problem).toMatch(/Pick/);
    expect(resolveRange({ range: "custom", from: "2024-01-01", to: "2026-03-01" }, NOW).problem).toMatch(
      String(MAX_DAYS),
    );
    expect(resolveRange({ range: "custom", to: "2026-03-01" }, NOW).preset).toBe("30d");
  });

  it("turns hourly into daily beyond two weeks", () => {
    expect(resolveRange({ range: "30d", interval: "hour" }, NOW).interval).toBe("day");
    expect(resolveRange({ range: "7d", interval: "hour" }, NOW).interval).toBe("hour");
  });

  it("ignores an unknown preset or interval", () => {
    expect(resolveRange({ range: "forever", interval: "minute" }, NOW)).toMatchObject({ preset: "30d", interval: "day" });
  });
});

describe("rangeQuery", () => {
  it("presets carry no dates; custom ranges do", () => {
    expect(rangeQuery(resolveRange({ range: "7d" }, NOW))).toBe("?range=7d");
    expect(rangeQuery(resolveRange({ range: "today" }, NOW))).toBe("?range=today");
    expect(rangeQuery({ preset: "custom", from: "2026-03-01", to: "2026-03-02", interval: "day" })).toBe(
      "?range=custom&from=2026-03-01&to=2026-03-02",
    );
  });

  it("round-trips through resolveRange", () => {
    const original = resolveRange({ range: "custom", from: "2026-01-01", to: "2026-01-05", interval: "hour" }, NOW);
    const params = Object.fromEntries(new URLSearchParams(rangeQuery(original).slice(1)));
    expect(resolveRange(params, NOW)).toEqual(original);
  });

  it("only writes the interval when it is not the preset's own", () => {
    expect(rangeQuery({ preset: "7d", from: "", to: "", interval: "hour" })).toBe("?range=7d&interval=hour");
    expect(rangeQuery({ preset: "today", from: "", to: "", interval: "day" })).toBe("?range=today&interval=day");
  });
});

describe("parseDay and describeRange", () => {
  it("accepts real days only", () => {
    expect(parseDay("2024-02-29")).toBe(Date.UTC(2024, 1, 29));
    expect(parseDay("2025-02-29")).toBeNull();
    expect(parseDay("03/01/2026")).toBeNull();
    expect(parseDay(undefined)).toBeNull();
  });

  it("describes one day or a span", () => {
    expect(describeRange({ from: "2026-03-10", to: "2026-03-10" })).toBe("10 Mar 2026 (UTC)");
    expect(describeRange({ from: "2026-03-01", to: "2026-03-10" })).toBe("1 Mar 2026 – 10 Mar 2026 (UTC)");
  });
});
