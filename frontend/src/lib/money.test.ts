import { describe, expect, it } from "vitest";

import { centsToInput, formatMoney, minorDigits, parseMoneyInput } from "./money";

describe("formatMoney", () => {
  it("formats cents with the currency", () => {
    expect(formatMoney(1999, "USD")).toBe("$19.99");
    expect(formatMoney(5, "USD")).toBe("$0.05");
    expect(formatMoney(0, "USD")).toBe("$0.00");
    expect(formatMoney(123456789, "USD")).toBe("$1,234,567.89");
    expect(formatMoney(1999, "EUR", "de-DE")).toBe("19,99\u00a0€");
    expect(formatMoney(-250, "USD")).toBe("-$2.50");
  });

  it("knows currencies without or with three minor digits", () => {
    expect(minorDigits("JPY")).toBe(0);
    expect(formatMoney(1500, "JPY")).toBe("¥1,500");
    expect(minorDigits("BHD")).toBe(3);
    expect(formatMoney(1234, "BHD", "en-US")).toMatch(/1\.234/);
  });

  it("never rounds large amounts through floating point", () => {
    // 2^53 - 1 cents: a float division would print ...40.99 → ...41.00.
    expect(formatMoney(Number.MAX_SAFE_INTEGER, "USD")).toBe("$90,071,992,547,409.91");
  });

  it("refuses what is not a whole number of cents", () => {
    expect(() => formatMoney(19.5, "USD")).toThrow(RangeError);
    expect(() => formatMoney(Number.NaN, "USD")).toThrow(RangeError);
  });
});

describe("parseMoneyInput", () => {
  it("reads a shopper's price", () => {
    expect(parseMoneyInput("12")).toBe(1200);
    expect(parseMoneyInput("12.5")).toBe(1250);
    expect(parseMoneyInput("12,50")).toBe(1250);
    expect(parseMoneyInput(" $0.99 ")).toBe(99);
    expect(parseMoneyInput("1500", "JPY")).toBe(1500);
  });

  it("rejects what is not a price", () => {
    expect(parseMoneyInput("")).toBeNull();
    expect(parseMoneyInput("abc")).toBeNull();
    expect(parseMoneyInput("1.2.3")).toBeNull();
    expect(parseMoneyInput("1.999")).toBeNull();
  });

  it("round-trips through the input form", () => {
    for (const cents of [0, 5, 99, 100, 1250, 1999, 100000]) {
      expect(parseMoneyInput(centsToInput(cents))).toBe(cents);
    }
    expect(centsToInput(1200)).toBe("12");
    expect(centsToInput(1250)).toBe("12.50");
  });
});
