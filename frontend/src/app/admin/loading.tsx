export default function AdminLoading() {
  return (
    <div role="status" aria-label="Loading" className="space-y-4">
      <div className="h-8 w-48 animate-pulse rounded bg-slate-200" />
      <div className="h-40 w-full animate-pulse rounded bg-slate-100" />
      <span className="sr-only">Loading…</span>
    </div>
  );
}
