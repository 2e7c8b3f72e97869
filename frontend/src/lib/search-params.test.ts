import { describe, expect, it } from "vitest";

import { EMPTY_SEARCH, PAGE_SIZE, pageCount, parseSearch, toApiQuery, toQueryString, withChange } from "./search-params";

describe("the catalog's URL state", () => {
  it("reads every part of the state from a query string", () => {
    const state = parseSearch(
      new URLSearchParams("q=desk+lamp&category=Lighting&min=10&max=49.99&in_stock=1&sort=price_asc&page=3"),
    );
    expect(state).toEqual({
      q: "desk lamp",
      category: "Lighting",
      minCents: 1000,
      maxCents: 4999,
      inStock: true,
      sort: "price_asc",
      page: 3,
    });
  });

  it("falls back to defaults for anything malformed", () => {
    expect(parseSearch({ sort: "drop table", page: "-4", min: "ten", in_stock: "maybe" })).toEqual(EMPTY_SEARCH);
    expect(parseSearch({ page: "99999" }).page).toBe(500);
    expect(parseSearch({ q: ["first", "second"] }).q).toBe("first");
  });

  it("swaps a minimum above the maximum", () => {
    const state = parseSearch({ min: "50", max: "10" });
    expect([state.minCents, state.maxCents]).toEqual([1000, 5000]);
  });

  it("writes only what differs from the defaults, in a stable order", () => {
    expect(toQueryString(EMPTY_SEARCH)).toBe("");
    expect(toQueryString({ ...EMPTY_SEARCH, sort: "name", q: "mug", page: 2 })).toBe("?q=mug&sort=name&page=2");
  });

  it("round-trips: parse(write(state)) is the state", () => {
    const states = [
      EMPTY_SEARCH,
      { ...EMPTY_SEARCH, q: "café & crème", category: "Home & Garden" },
      { ...EMPTY_SEARCH, minCents: 1250, maxCents: 100000, inStock: true, sort: "newest" as const, page: 7 },
    ];
    for (const state of states) {
      expect(parseSearch(new URLSearchParams(toQueryString(state).slice(1)))).toEqual(state);
    }
  });

  it("goes back to page 1 when anything but the page changes", () => {
    const on3 = { ...EMPTY_SEARCH, q: "lamp", page: 3 };
    expect(withChange(on3, { sort: "price_desc" }).page).toBe(1);
    expect(withChange(on3, { category: "Lighting" }).page).toBe(1);
    expect(withChange(on3, { page: 4 }).page).toBe(4);
  });

  it("maps to the product service's parameters", () => {
    const query = toApiQuery({ ...EMPTY_SEARCH, q: "lamp", inStock: true, page: 2, minCents: 500 });
    expect(query).toEqual({
      q: "lamp",
      category: undefined,
      min_price_cents: 500,
      max_price_cents: undefined,
      in_stock: true,
      sort: "relevance",
      limit: PAGE_SIZE,
      offset: PAGE_SIZE,
    });
    expect(pageCount(0)).toBe(1);
    expect(pageCount(PAGE_SIZE + 1)).toBe(2);
  });
});
