import { describe, expect, it } from "vitest";

import { addGuestLine, decodeGuestCart, encodeGuestCart, MAX_QUANTITY, setGuestLine } from "./guest-cart";

const SECRET = "a-test-secret-that-is-long-enough-1234";
const A = "00000000-0000-4000-8000-00000000000a";
const B = "00000000-0000-4000-8000-00000000000b";

describe("the guest cart cookie", () => {
  it("round-trips its lines", () => {
    const lines = [
      { productId: A, quantity: 2 },
      { productId: B, quantity: 1 },
    ];
    expect(decodeGuestCart(encodeGuestCart(lines, SECRET), SECRET)).toEqual(lines);
  });

  it("is empty when tampered with, signed with another key, or garbage", () => {
    const value = encodeGuestCart([{ productId: A, quantity: 1 }], SECRET);
    const [body, sig] = value.split(".");
    const forged = Buffer.from(JSON.stringify([[A, 99]])).toString("base64url");
    expect(decodeGuestCart(`${forged}.${sig}`, SECRET)).toEqual([]);
    expect(decodeGuestCart(value, "another-secret-that-is-long-enough-99")).toEqual([]);
    expect(decodeGuestCart(`${body}.`, SECRET)).toEqual([]);
    expect(decodeGuestCart("not a cookie", SECRET)).toEqual([]);
    expect(decodeGuestCart(undefined, SECRET)).toEqual([]);
  });

  it("drops malformed lines even when signed", () => {
    const body = Buffer.from(JSON.stringify([[A, 2], ["not-a-uuid", 1], [B, -1], [B, 1.5]])).toString("base64url");
    const value = encodeGuestCart([], SECRET).replace(/^[^.]*/, body);
    const signed = encodeGuestCart([{ productId: A, quantity: 2 }], SECRET);
    expect(decodeGuestCart(value, SECRET)).toEqual([]); // the signature is over another body
    expect(decodeGuestCart(signed, SECRET)).toEqual([{ productId: A, quantity: 2 }]);
  });

  it("adds to a line, sets it, removes it at 0, and caps at the maximum", () => {
    let lines = addGuestLine([], A, 1);
    lines = addGuestLine(lines, B, 2);
    lines = addGuestLine(lines, A, 2);
    expect(lines).toEqual([
      { productId: A, quantity: 3 },
      { productId: B, quantity: 2 },
    ]);
    expect(setGuestLine(lines, A, 0)).toEqual([{ productId: B, quantity: 2 }]);
    expect(setGuestLine(lines, B, 1000)).toContainEqual({ productId: B, quantity: MAX_QUANTITY });
  });
});
