/** The catalog's state, kept entirely in the URL's query string so it can be shared. */

import { centsToInput, parseMoneyInput } from "./money";

export const SORTS = ["relevance", "price_asc", "price_desc", "newest", "name"] as const;
export type Sort = (typeof SORTS)[number];
export const PAGE_SIZE = 12;
const MAX_PAGE = 500;

export type SearchState = {
  q: string;
  category: string | null;
  minCents: number | null;
  maxCents: number | null;
  inStock: boolean;
  sort: Sort;
  page: number;
};

export const EMPTY_SEARCH: SearchState = {
  q: "",
  category: null,
  minCents: null,
  maxCents: null,
  inStock: false,
  sort: "relevance",
  page: 1,
};

type Params = Record<string, string | string[] | undefined> | URLSearchParams;

function first(params: Params, key: string): string | undefined {
  if (params instanceof URLSearchParams) return params.get(key) ?? undefined;
  const value = params[key];
  return Array.isArray(value) ? value[0] : value;
}

/** Whatever a URL holds → a valid state (unknown or malformed values fall back to defaults). */
export function parseSearch(params: Params): SearchState {
  const q = (first(params, "q") ?? "").trim().slice(0, 200);
  const category = (first(params, "category") ?? "").trim().slice(0, 60) || null;
  let minCents = parseMoneyInput(first(params, "min") ?? "");
  let maxCents = parseMoneyInput(first(params, "max") ?? "");
  if (minCents !== null && maxCents !== null && minCents > maxCents) {
    [minCents, maxCents] = [maxCents, minCents];
  }
  const sortValue = first(params, "sort");
  const sort = SORTS.includes(sortValue as Sort) ? (sortValue as Sort) : "relevance";
  const pageNumber = Number.parseInt(first(params, "page") ?? "1", 10);
  const page = Number.isFinite(pageNumber) ? Math.min(Math.max(pageNumber, 1), MAX_PAGE) : 1;
  const inStock = ["1", "true", "on"].includes(first(params, "in_stock") ?? "");
  return { q, category, minCents, maxCents, inStock, sort, page };
}

/** The state → a query string without defaults, in a stable order ("" for the bare catalog). */
export function toQueryString(state: SearchState): string {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  if (state.category) params.set("category", state.category);
  if (state.minCents !== null) params.set("min", centsToInput(state.minCents));
  if (state.maxCents !== null) params.set("max", centsToInput(state.maxCents));
  if (state.inStock) params.set("in_stock", "1");
  if (state.sort !== "relevance") params.set("sort", state.sort);
  if (state.page > 1) params.set("page", String(state.page));
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** A change to the state; any change other than the page itself goes back to page 1. */
export function withChange(state: SearchState, change: Partial<SearchState>): SearchState {
  const next = { ...state, ...change };
  if (!("page" in change)) next.page = 1;
  return next;
}

/** The state → the product service's query parameters (API.md, GET /api/products). */
export function toApiQuery(state: SearchState) {
  return {
    q: state.q || undefined,
    category: state.category ?? undefined,
    min_price_cents: state.minCents ?? undefined,
    max_price_cents: state.maxCents ?? undefined,
    in_stock: state.inStock || undefined,
    sort: state.sort,
    limit: PAGE_SIZE,
    offset: (state.page - 1) * PAGE_SIZE,
  };
}

export function pageCount(total: number): number {
  return Math.max(1, Math.ceil(total / PAGE_SIZE));
}
