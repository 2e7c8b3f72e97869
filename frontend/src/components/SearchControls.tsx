"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useRef, useState, useTransition } from "react";

import { parseSearch, type SearchState, SORTS, toQueryString, withChange } from "@/lib/search-params";

export const DEBOUNCE_MS = 300;

const SORT_LABELS: Record<(typeof SORTS)[number], string> = {
  relevance: "Best match",
  price_asc: "Price: low to high",
  price_desc: "Price: high to low",
  newest: "Newest",
  name: "Name",
};

function useSearchNavigation() {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const [pending, startTransition] = useTransition();
  const state = parseSearch(new URLSearchParams(params.toString()));
  const go = (change: Partial<SearchState>, mode: "push" | "replace" = "push") => {
    const url = `${pathname}${toQueryString(withChange(state, change))}`;
    startTransition(() => (mode === "push" ? router.push(url) : router.replace(url)));
  };
  return { state, go, pending };
}

/** Search as you type: the URL follows the box after a pause in typing. */
export function SearchBox() {
  const { state, go, pending } = useSearchNavigation();
  const [value, setValue] = useState(state.q);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const focused = useRef(false);

  // The back button changes the URL: show its query unless the shopper is typing.
  useEffect(() => {
    if (!focused.current) setValue(state.q);
  }, [state.q]);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  const onChange = (next: string) => {
    setValue(next);
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      if (next.trim() !== state.q) go({ q: next.trim() }, "replace");
    }, DEBOUNCE_MS);
  };

  return (
    <form
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        if (timer.current) clearTimeout(timer.current);
        go({ q: value.trim() });
      }}
    >
      <label htmlFor="catalog-search" className="label">
        Search the catalog
      </label>
      <div className="flex gap-2">
        <input
          id="catalog-search"
          type="search"
          name="q"
          className="input"
          value={value}
          placeholder="Try “headphones” or “wireles mouse”"
          autoComplete="off"
          aria-describedby="search-status"
          onFocus={() => (focused.current = true)}
          onBlur={() => (focused.current = false)}
          onChange={(e) => onChange(e.target.value)}
        />
        <button type="submit" className="btn-primary">
          Search
        </button>
      </div>
      <p id="search-status" className="sr-only" aria-live="polite">
        {pending ? "Searching…" : ""}
      </p>
    </form>
  );
}

export function SortSelect() {
  const { state, go } = useSearchNavigation();
  return (
    <div className="flex items-center gap-2">
      <label htmlFor="sort" className="text-sm font-medium text-slate-800">
        Sort by
      </label>
      <select
        id="sort"
        className="rounded-md border border-slate-500 bg-white px-2 py-1.5 text-sm"
        value={state.sort}
        onChange={(e) => go({ sort: e.target.value as SearchState["sort"] })}
      >
        {SORTS.map((sort) => (
          <option key={sort} value={sort}>
            {SORT_LABELS[sort]}
          </option>
        ))}
      </select>
    </div>
  );
}

export function InStockToggle() {
  const { state, go } = useSearchNavigation();
  return (
    <label className="flex items-center gap-2 text-sm font-medium text-slate-800">
      <input
        type="checkbox"
        className="h-4 w-4 accent-brand-700"
        // Uncontrolled so it ticks at once; the key re-syncs it when the URL changes.
        key={String(state.inStock)}
        defaultChecked={state.inStock}
        onChange={(e) => go({ inStock: e.target.checked })}
      />
      Only show items in stock
    </label>
  );
}
