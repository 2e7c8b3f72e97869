/**
 * The dashboard's date range, kept in the URL: `?range=today|7d|30d` or
 * `?range=custom&from=YYYY-MM-DD&to=YYYY-MM-DD`, plus `interval=day|hour` for the sales chart.
 * Days are UTC days (the analytics service keeps its figures per UTC hour and day); `to` is the
 * last day shown, inclusive, so the query to the service ends at the next midnight.
 */

export type Preset = "today" | "7d" | "30d" | "custom";
export type Interval = "day" | "hour";

export type DateRange = {
  preset: Preset;
  /** First day, YYYY-MM-DD (UTC). */
  from: string;
  /** Last day, inclusive, YYYY-MM-DD (UTC). */
  to: string;
  interval: Interval;
  /** RFC 3339 bounds for the service: `from` inclusive, `to` exclusive. */
  fromIso: string;
  toIso: string;
  /** Set when the URL asked for something impossible and a default was used instead. */
  problem?: string;
};

export const PRESETS: { value: Exclude<Preset, "custom">; label: string }[] = [
  { value: "today", label: "Today" },
  { value: "7d", label: "Last 7 days" },
  { value: "30d", label: "Last 30 days" },
];

/** The longest custom range (the service refuses more than two years of summary). */
export const MAX_DAYS = 366;
/** Hourly points beyond this many days make an unreadable chart: daily instead. */
export const MAX_HOURLY_DAYS = 14;

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export type RangeParams = { range?: string; from?: string; to?: string; interval?: string };

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** "2026-02-30" is not a day; a real day → its UTC midnight in ms. */
export function parseDay(text: string | undefined): number | null {
  const m = text ? DATE.exec(text) : null;
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return day(new Date(ms)) === text ? ms : null;
}

function build(preset: Preset, fromMs: number, toMs: number, interval: Interval, problem?: string): DateRange {
  const days = Math.round((toMs - fromMs) / DAY_MS) + 1;
  const chosen: Interval = interval === "hour" && days <= MAX_HOURLY_DAYS ? "hour" : "day";
  return {
    preset,
    from: day(new Date(fromMs)),
    to: day(new Date(toMs)),
    interval: chosen,
    fromIso: new Date(fromMs).toISOString(),
    toIso: new Date(toMs + DAY_MS).toISOString(),
    ...(problem ? { problem } : {}),
  };
}

export function resolveRange(params: RangeParams, now: Date = new Date()): DateRange {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const asked = params.interval === "hour" || params.interval === "day" ? params.interval : undefined;
  const preset = params.range ?? "30d";
  if (preset === "today") return build("today", today, today, asked ?? "hour");
  if (preset === "7d") return build("7d", today - 6 * DAY_MS, today, asked ?? "day");
  if (preset === "custom") {
    const from = parseDay(params.from);
    const to = parseDay(params.to);
    let problem: string | undefined;
    if (from === null || to === null) problem = "Pick a start and an end date.";
    else if (from > to) problem = "The start date must not be after the end date.";
    else if ((to - from) / DAY_MS + 1 > MAX_DAYS) problem = `Pick at most ${MAX_DAYS} days.`;
    if (!problem && from !== null && to !== null) return build("custom", from, to, asked ?? "day");
    return build("30d", today - 29 * DAY_MS, today, "day", problem);
  }
  return build("30d", today - 29 * DAY_MS, today, asked ?? "day");
}

/** The query string for a range (presets carry no dates, so a bookmark stays "the last 7 days"). */
export function rangeQuery(range: Pick<DateRange, "preset" | "from" | "to" | "interval">): string {
  const params = new URLSearchParams({ range: range.preset });
  if (range.preset === "custom") {
    params.set("from", range.from);
    params.set("to", range.to);
  }
  const natural = range.preset === "today" ? "hour" : "day";
  if (range.interval !== natural) params.set("interval", range.interval);
  return `?${params.toString()}`;
}

/** "1 Mar 2026 – 7 Mar 2026", or one day. */
export function describeRange(range: Pick<DateRange, "from" | "to">): string {
  const f = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });
  const from = f.format(new Date(`${range.from}T00:00:00Z`));
  const to = f.format(new Date(`${range.to}T00:00:00Z`));
  return from === to ? `${from} (UTC)` : `${from} – ${to} (UTC)`;
}
