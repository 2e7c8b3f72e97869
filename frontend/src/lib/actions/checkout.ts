"use server";

import { api } from "@/lib/api/client";
import { errorInfo } from "@/lib/api/errors";
import type { CheckoutBody, ShippingAddress } from "@/lib/api/types";
import { actionToken } from "@/lib/session";

export type CardInput = { number: string; expMonth: number; expYear: number; cvc: string };
export type TokeniseResult =
  | { ok: true; id: string; brand: string; last4: string }
  | { ok: false; error: string; field?: "number" | "expiry" | "cvc" };

const SIGN_IN_AGAIN = "Your session has ended. Please log in again to check out.";

/**
 * The card goes to the payment service's tokenise route and nowhere else: it is not logged,
 * stored, or put in a cookie; the page keeps only the returned `pm_...` id.
 */
export async function tokeniseCard(card: CardInput): Promise<TokeniseResult> {
  const token = await actionToken();
  if (!token) return { ok: false, error: SIGN_IN_AGAIN };
  const number = card.number.replace(/[\s-]/g, "");
  if (!/^\d{12,19}$/.test(number)) {
    return { ok: false, error: "Enter the card number (12 to 19 digits).", field: "number" };
  }
  if (!/^\d{3,4}$/.test(card.cvc)) {
    return { ok: false, error: "Enter the 3 or 4 digit security code.", field: "cvc" };
  }
  try {
    const { data, error, response } = await api(token).POST("/api/payments/methods", {
      body: { card_number: number, exp_month: card.expMonth, exp_year: card.expYear, cvc: card.cvc },
    });
    if (data) return { ok: true, id: data.id, brand: data.brand, last4: data.last4 };
    const info = errorInfo(response.status, error);
    if (response.status === 422) {
      const text = JSON.stringify(info.details) + info.message;
      const field = /exp/i.test(text) ? "expiry" : /cvc/i.test(text) ? "cvc" : "number";
      const message =
        field === "expiry"
          ? "This card has expired or the expiry date is not valid."
          : field === "cvc"
            ? "The security code is not valid."
            : "This card number is not valid. Check the digits.";
      return { ok: false, error: message, field };
    }
    return { ok: false, error: response.status === 401 ? SIGN_IN_AGAIN : info.message };
  } catch {
    return { ok: false, error: "Payments are not answering right now. Please try again shortly." };
  }
}

export type PlaceOrderInput = {
  idempotencyKey: string;
  paymentMethod: string;
  address: ShippingAddress;
  expectedTotalCents: number;
};

export type PlaceOrderResult =
  | { ok: true; orderId: string }
  | {
      ok: false;
      code: string;
      error: string;
      /** The cart's total now, when the total changed since the shopper saw it. */
      newTotalCents?: number;
      /** True when the same attempt may be sent again with the same key (nothing was decided). */
      retry?: boolean;
    };

function totalFrom(details: unknown[]): number | undefined {
  for (const d of details) {
    if (d && typeof d === "object") {
      for (const key of ["total_cents", "new_total_cents", "actual_total_cents"]) {
        const value = (d as Record<string, unknown>)[key];
        if (typeof value === "number") return value;
      }
    }
  }
  return undefined;
}

/** One checkout attempt; the key makes a double click or a retry the same order. */
export async function placeOrder(input: PlaceOrderInput): Promise<PlaceOrderResult> {
  const token = await actionToken();
  if (!token) return { ok: false, code: "unauthenticated", error: SIGN_IN_AGAIN };
  if (!/^[\x21-\x7e]{1,255}$/.test(input.idempotencyKey)) {
    return { ok: false, code: "bad_request", error: "Please reload the page and try again." };
  }
  const client = api(token);
  const body: CheckoutBody = {
    payment_method: input.paymentMethod,
    shipping_address: input.address,
    expected_total_cents: input.expectedTotalCents,
  };
  try {
    const { data, error, response } = await client.POST("/api/orders", {
      params: { header: { "Idempotency-Key": input.idempotencyKey } },
      body,
    });
    if (data) return { ok: true, orderId: data.id };
    const info = errorInfo(response.status, error);
    switch (info.code) {
      case "price_changed": {
        let total = totalFrom(info.details);
        if (total === undefined) total = (await client.GET("/api/cart")).data?.total_cents;
        return {
          ok: false,
          code: info.code,
          error: "Prices changed since you started checking out. Please review the new total.",
          newTotalCents: total,
        };
      }
      case "cart_already_checked_out":
        return {
          ok: false,
          code: info.code,
          error: "This cart has already been checked out (perhaps in another tab). See your orders.",
        };
      case "empty_cart":
      case "cart_empty":
        return {
          ok: false,
          code: info.code,
          error: "Your cart is empty: it may have just been checked out (perhaps in another tab). See your orders.",
        };
      default:
        if (response.status === 409 && /stock/i.test(info.code + info.message)) {
          return {
            ok: false,
            code: info.code,
            error: "Some items are no longer in stock in that quantity. Please review your cart.",
          };
        }
        return {
          ok: false,
          code: info.code,
          error: response.status >= 500 ? "Checkout is not answering right now. Please try again." : info.message,
          retry: response.status >= 500,
        };
    }
  } catch {
    return {
      ok: false,
      code: "unreachable",
      error: "Checkout is not answering right now. Please try again: you will not be charged twice.",
      retry: true,
    };
  }
}

/** The cart's total now (after a price change), for the shopper to confirm. */
export async function currentTotal(): Promise<number | null> {
  const token = await actionToken();
  if (!token) return null;
  try {
    return (await api(token).GET("/api/cart")).data?.total_cents ?? null;
  } catch {
    return null;
  }
}
