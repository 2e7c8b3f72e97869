import { describe, expect, it } from "vitest";

import type { Order } from "./api/types";
import { cancelExplanation, reasonText } from "./orders";
import { parseExpiry } from "./test-cards";
import { decodeClaims, isExpired } from "./tokens";

function jwt(payload: object): string {
  return `e30.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.sig`;
}

describe("card expiry", () => {
  const now = new Date("2026-12-06T00:00:00Z");
  it("reads MM/YY and MM/YYYY", () => {
    expect(parseExpiry("12/30", now)).toEqual({ month: 12, year: 2030 });
    expect(parseExpiry(" 4 / 2031 ", now)).toEqual({ month: 4, year: 2031 });
  });
  it("rejects what is not a date", () => {
    expect(parseExpiry("13/30", now)).toBeNull();
    expect(parseExpiry("1230", now)).toBeNull();
    expect(parseExpiry("", now)).toBeNull();
  });
});

describe("why an order was cancelled", () => {
  const order = (over: Partial<Order>): Order =>
    ({ status: "CANCELLED", payment: null, cancel_reason: null, status_history: [], ...over }) as Order;
  it("names a declined card", () => {
    expect(cancelExplanation(order({ payment: { status: "DECLINED", brand: "visa", last4: "0002", decline_reason: "card_declined" } }))).toBe(
      "This order was cancelled because your card was declined.",
    );
  });
  it("names a stock shortage", () => {
    expect(cancelExplanation(order({ cancel_reason: "insufficient_stock" }))).toMatch(/ran out of stock/);
  });
  it("says nothing for an order that is not cancelled", () => {
    expect(cancelExplanation(order({ status: "PAID" }))).toBeNull();
    expect(reasonText(null)).toBeNull();
  });
});

describe("access token claims", () => {
  it("reads the subject, role and expiry", () => {
    expect(decodeClaims(jwt({ sub: "u1", role: "admin", exp: 100 }))).toEqual({ sub: "u1", role: "admin", exp: 100 });
    expect(decodeClaims(jwt({ sub: "u1", role: "root", exp: 100 }))?.role).toBe("customer");
    expect(decodeClaims("garbage")).toBeNull();
  });
  it("treats a token about to expire as expired", () => {
    const now = 1_000_000_000_000;
    expect(isExpired(jwt({ sub: "u", exp: now / 1000 + 5 }), 15, now)).toBe(true);
    expect(isExpired(jwt({ sub: "u", exp: now / 1000 + 60 }), 15, now)).toBe(false);
    expect(isExpired(undefined)).toBe(true);
  });
});
