import Link from "next/link";

import { pageCount, type SearchState, toQueryString, withChange } from "@/lib/search-params";

export function Pagination({ state, total }: { state: SearchState; total: number }) {
  const pages = pageCount(total);
  if (pages <= 1) return null;
  const href = (page: number) => `/products${toQueryString(withChange(state, { page }))}`;
  const around = [state.page - 1, state.page, state.page + 1].filter((p) => p >= 1 && p <= pages);
  return (
    <nav aria-label="Pages" className="mt-6 flex flex-wrap items-center justify-center gap-2">
      {state.page > 1 ? (
        <Link href={href(state.page - 1)} className="btn-secondary" rel="prev">
          Previous
        </Link>
      ) : null}
      {around.map((p) =>
        p === state.page ? (
          <span key={p} aria-current="page" className="btn bg-slate-800 text-white">
            {p}
          </span>
        ) : (
          <Link key={p} href={href(p)} className="btn-secondary" aria-label={`Page ${p}`}>
            {p}
          </Link>
        ),
      )}
      <span className="text-sm text-slate-700">of {pages}</span>
      {state.page < pages ? (
        <Link href={href(state.page + 1)} className="btn-secondary" rel="next">
          Next
        </Link>
      ) : null}
    </nav>
  );
}
