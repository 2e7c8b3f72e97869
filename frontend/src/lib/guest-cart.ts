import { createHmac, timingSafeEqual } from "node:crypto";

/** A guest's cart, kept by the server in a signed cookie: `<base64url json>.<hmac>`. */
export type GuestLine = { productId: string; quantity: number };

export const MAX_GUEST_LINES = 50;
export const MAX_QUANTITY = 99;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function mac(secret: string, body: string): string {
  return createHmac("sha256", secret).update(body).digest("base64url");
}

export function encodeGuestCart(lines: GuestLine[], secret: string): string {
  const body = Buffer.from(
    JSON.stringify(lines.map((l) => [l.productId, l.quantity])),
    "utf8",
  ).toString("base64url");
  return `${body}.${mac(secret, body)}`;
}

/** The lines of a cookie value; an empty cart for anything unsigned, tampered or malformed. */
export function decodeGuestCart(value: string | undefined, secret: string): GuestLine[] {
  if (!value) return [];
  const [body, signature] = value.split(".");
  if (!body || !signature) return [];
  const expected = Buffer.from(mac(secret, body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return [];
  try {
    const raw = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as unknown;
    if (!Array.isArray(raw)) return [];
    return raw
      .filter(
        (x): x is [string, number] =>
          Array.isArray(x) &&
          typeof x[0] === "string" &&
          UUID.test(x[0]) &&
          Number.isInteger(x[1]) &&
          x[1] > 0,
      )
      .slice(0, MAX_GUEST_LINES)
      .map(([productId, quantity]) => ({ productId, quantity: Math.min(quantity, MAX_QUANTITY) }));
  } catch {
    return [];
  }
}

/** Set a line's quantity (0 removes it); adding to a line adds to its quantity. */
export function setGuestLine(lines: GuestLine[], productId: string, quantity: number): GuestLine[] {
  const rest = lines.filter((l) => l.productId !== productId);
  if (quantity <= 0) return rest;
  const line = { productId, quantity: Math.min(quantity, MAX_QUANTITY) };
  const index = lines.findIndex((l) => l.productId === productId);
  if (index < 0) return [...rest, line].slice(0, MAX_GUEST_LINES);
  return [...lines.slice(0, index), line, ...lines.slice(index + 1)];
}

export function addGuestLine(lines: GuestLine[], productId: string, quantity: number): GuestLine[] {
  const current = lines.find((l) => l.productId === productId)?.quantity ?? 0;
  return setGuestLine(lines, productId, current + quantity);
}
