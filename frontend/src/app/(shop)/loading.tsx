/** While a page of the shop is on its way: its frame, without anything that could jump. */
export default function Loading() {
  return (
    <div role="status" aria-label="Loading" className="space-y-4">
      <div className="h-8 w-48 animate-pulse rounded bg-slate-200" />
      <div className="h-4 w-full max-w-md animate-pulse rounded bg-slate-200" />
      <div className="h-40 w-full animate-pulse rounded-lg bg-slate-200" />
      <span className="sr-only">Loading…</span>
    </div>
  );
}
