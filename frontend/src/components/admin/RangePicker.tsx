import Link from "next/link";

import { type DateRange, describeRange, PRESETS, rangeQuery } from "@/lib/admin/range";

/** Presets are links and the custom range a plain GET form: the range lives in the URL, so a
 * dashboard can be bookmarked or shared, and works before any script has loaded. */
export function RangePicker({ range, extra }: { range: DateRange; extra: Record<string, string> }) {
  const withExtra = (query: string) => {
    const params = new URLSearchParams(query.slice(1));
    for (const [k, v] of Object.entries(extra)) params.set(k, v);
    return `/admin?${params.toString()}`;
  };
  return (
    <section aria-label="Date range" className="card flex flex-col gap-3 p-4 lg:flex-row lg:items-end lg:justify-between">
      <div>
        <p className="text-sm font-medium text-slate-700">Showing</p>
        <p className="font-semibold" data-testid="range-label">
          {describeRange(range)}
        </p>
        <nav aria-label="Date range presets" className="mt-2 flex flex-wrap gap-2">
          {PRESETS.map((p) => (
            <Link
              key={p.value}
              href={withExtra(rangeQuery({ ...range, preset: p.value, interval: p.value === "today" ? "hour" : "day" }))}
              aria-current={range.preset === p.value ? "true" : undefined}
              className={range.preset === p.value ? "btn bg-slate-800 text-white" : "btn-secondary"}
            >
              {p.label}
            </Link>
          ))}
        </nav>
      </div>
      <form method="get" action="/admin" className="flex flex-wrap items-end gap-2">
        <input type="hidden" name="range" value="custom" />
        {Object.entries(extra).map(([k, v]) => (
          <input key={k} type="hidden" name={k} value={v} />
        ))}
        <div>
          <label htmlFor="range-from" className="label">
            From
          </label>
          <input id="range-from" name="from" type="date" required defaultValue={range.from} className="input" />
        </div>
        <div>
          <label htmlFor="range-to" className="label">
            To
          </label>
          <input id="range-to" name="to" type="date" required defaultValue={range.to} className="input" />
        </div>
        <div>
          <label htmlFor="range-interval" className="label">
            Chart by
          </label>
          <select id="range-interval" name="interval" defaultValue={range.interval} className="input">
            <option value="day">Day</option>
            <option value="hour">Hour</option>
          </select>
        </div>
        <button type="submit" className="btn-primary">
          Apply
        </button>
      </form>
    </section>
  );
}
