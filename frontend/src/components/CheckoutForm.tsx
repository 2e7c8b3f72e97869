"use client";

import { useRouter } from "next/navigation";
import { useRef, useState } from "react";

import { placeOrder, tokeniseCard } from "@/lib/actions/checkout";
import { formatMoney } from "@/lib/money";
import { parseExpiry, TEST_CARDS } from "@/lib/test-cards";

type Field = "name" | "line1" | "city" | "postal_code" | "country" | "number" | "expiry" | "cvc";

function newKey(): string {
  return crypto.randomUUID();
}

/**
 * Checkout: the address and a test card. One Idempotency-Key per attempt: a double click, or a
 * retry after no answer, sends the same key and the same tokenised card, so it is one order.
 * A definitive answer (price changed, out of stock…) starts a new attempt with a new key.
 */
export function CheckoutForm({ totalCents, currency }: { totalCents: number; currency: string }) {
  const router = useRouter();
  const [attemptKey, setAttemptKey] = useState(newKey);
  const [expectedTotal, setExpectedTotal] = useState(totalCents);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; field?: Field; code?: string } | null>(null);
  const [cardNumber, setCardNumber] = useState("");
  const inFlight = useRef(false);
  // The tokenised card of this attempt, so a retry sends the very same body.
  const token = useRef<{ card: string; id: string } | null>(null);

  async function submit(form: HTMLFormElement) {
    if (inFlight.current) return; // a second click while the first is on its way
    inFlight.current = true;
    setBusy(true);
    setError(null);
    let navigating = false;
    try {
      const data = new FormData(form);
      const text = (name: string) => String(data.get(name) ?? "").trim();
      const expiry = parseExpiry(text("expiry"));
      if (!expiry) {
        setError({ message: "Enter the expiry date as MM/YY.", field: "expiry" });
        return;
      }
      const cardKey = `${text("card_number")}|${expiry.month}/${expiry.year}|${text("cvc")}`;
      if (token.current?.card !== cardKey) {
        const result = await tokeniseCard({
          number: text("card_number"),
          expMonth: expiry.month,
          expYear: expiry.year,
          cvc: text("cvc"),
        });
        if (!result.ok) {
          setError({ message: result.error, field: result.field });
          return;
        }
        if (token.current) setAttemptKey(newKey()); // another card is another attempt
        token.current = { card: cardKey, id: result.id };
      }
      const result = await placeOrder({
        idempotencyKey: attemptKey,
        paymentMethod: token.current.id,
        address: {
          name: text("name"),
          line1: text("line1"),
          city: text("city"),
          postal_code: text("postal_code"),
          country: text("country").toUpperCase(),
        },
        expectedTotalCents: expectedTotal,
      });
      if (result.ok) {
        navigating = true; // stay busy until the confirmation page is shown
        router.push(`/account/orders/${result.orderId}?placed=1`);
        return;
      }
      if (!result.retry) {
        setAttemptKey(newKey());
        token.current = null;
      }
      if (result.code === "price_changed" && result.newTotalCents !== undefined) {
        setExpectedTotal(result.newTotalCents);
        setError({
          code: result.code,
          message: `${result.error} The new total is ${formatMoney(result.newTotalCents, currency)}. Place the order again to accept it.`,
        });
      } else {
        setError({ message: result.error, code: result.code });
      }
    } catch {
      setError({ message: "Checkout did not answer. Please try again: you will not be charged twice." });
    } finally {
      if (!navigating) {
        inFlight.current = false;
        setBusy(false);
      }
    }
  }

  const invalid = (field: Field) => (error?.field === field ? true : undefined);
  const describedBy = (field: Field) => (error?.field === field ? "checkout-error" : undefined);

  return (
    <form
      noValidate={false}
      onSubmit={(e) => {
        e.preventDefault();
        void submit(e.currentTarget);
      }}
      className="space-y-6"
      aria-busy={busy}
    >
      <fieldset className="card space-y-4 p-4">
        <legend className="px-1 text-lg font-semibold">Shipping address</legend>
        <div>
          <label htmlFor="name" className="label">Full name</label>
          <input id="name" name="name" required maxLength={100} autoComplete="name" className="input" aria-invalid={invalid("name")} />
        </div>
        <div>
          <label htmlFor="line1" className="label">Address</label>
          <input id="line1" name="line1" required maxLength={200} autoComplete="address-line1" className="input" />
        </div>
        <div className="grid gap-4 sm:grid-cols-3">
          <div>
            <label htmlFor="city" className="label">City</label>
            <input id="city" name="city" required maxLength={100} autoComplete="address-level2" className="input" />
          </div>
          <div>
            <label htmlFor="postal_code" className="label">Postal code</label>
            <input id="postal_code" name="postal_code" required maxLength={16} pattern="[A-Za-z0-9][A-Za-z0-9 \-]{0,14}[A-Za-z0-9]?" autoComplete="postal-code" className="input" />
          </div>
          <div>
            <label htmlFor="country" className="label">Country code</label>
            <input id="country" name="country" required minLength={2} maxLength={2} pattern="[A-Za-z]{2}" placeholder="GB" autoComplete="country" aria-describedby="country-hint" className="input uppercase" />
            <p id="country-hint" className="mt-1 text-xs text-slate-700">Two letters, e.g. US, GB, DE.</p>
          </div>
        </div>
      </fieldset>

      <fieldset className="card space-y-4 p-4">
        <legend className="px-1 text-lg font-semibold">Payment (test cards only)</legend>
        <div>
          <label htmlFor="card_number" className="label">Card number</label>
          <input
            id="card_number"
            name="card_number"
            required
            inputMode="numeric"
            autoComplete="cc-number"
            value={cardNumber}
            onChange={(e) => setCardNumber(e.target.value)}
            className="input font-mono"
            aria-invalid={invalid("number")}
            aria-describedby={describedBy("number") ?? "test-cards"}
          />
        </div>
        <div className="grid grid-cols-2 gap-4">
          <div>
            <label htmlFor="expiry" className="label">Expiry (MM/YY)</label>
            <input id="expiry" name="expiry" required placeholder="12/30" autoComplete="cc-exp" inputMode="numeric" className="input" aria-invalid={invalid("expiry")} aria-describedby={describedBy("expiry")} />
          </div>
          <div>
            <label htmlFor="cvc" className="label">Security code</label>
            <input id="cvc" name="cvc" required inputMode="numeric" autoComplete="cc-csc" maxLength={4} className="input" aria-invalid={invalid("cvc")} aria-describedby={describedBy("cvc")} />
          </div>
        </div>
        <div id="test-cards" className="rounded-md bg-slate-100 p-3 text-sm">
          <p className="font-semibold">Test cards (any future expiry, any 3-digit code)</p>
          <ul className="mt-2 space-y-1">
            {TEST_CARDS.map((card) => (
              <li key={card.number} className="flex flex-wrap items-center justify-between gap-2">
                <span>
                  <span className="font-mono">{card.number}</span> — {card.label}
                </span>
                <button type="button" className="link text-sm" onClick={() => setCardNumber(card.number)}>
                  Use<span className="sr-only"> {card.number}</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      </fieldset>

      <div className="card space-y-3 p-4">
        <p className="flex justify-between text-lg font-bold">
          <span>Total</span>
          <span data-testid="checkout-total">{formatMoney(expectedTotal, currency)}</span>
        </p>
        <div aria-live="assertive">
          {error ? (
            <p id="checkout-error" role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900">
              {error.message}
              {error.code === "cart_already_checked_out" || error.code === "empty_cart" ? (
                <>
                  {" "}
                  <a href="/account" className="link">Your orders</a>
                </>
              ) : null}
            </p>
          ) : null}
        </div>
        <button type="submit" className="btn-primary w-full py-3 text-base" disabled={busy}>
          {busy ? "Placing your order…" : "Place order"}
        </button>
      </div>
    </form>
  );
}
