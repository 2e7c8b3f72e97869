/** Prices travel as integer minor units (`*_cents`) with an ISO currency code. */

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(currency: string, locale: string): Intl.NumberFormat {
  const key = `${locale}:${currency}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: "currency", currency });
    formatters.set(key, f);
  }
  return f;
}

const minorDigitsByCurrency = new Map<string, number>();

/** The number of minor units in one major unit for a currency (USD 2, JPY 0, BHD 3). */
export function minorDigits(currency: string): number {
  // Making an Intl.NumberFormat costs ~0.1 ms, and a catalog page prices every card.
  let known = minorDigitsByCurrency.get(currency);
  if (known === undefined) {
    known = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions()
      .maximumFractionDigits ?? 2;
    minorDigitsByCurrency.set(currency, known);
  }
  return known;
}

/** `formatMoney(1999, "USD")` → "$19.99"; exact for any integer amount (no float drift). */
export function formatMoney(cents: number, currency = "USD", locale = "en-US"): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`not an amount in cents: ${cents}`);
  const digits = minorDigits(currency);
  const scale = 10 ** digits;
  const negative = cents < 0;
  const abs = Math.abs(cents);
  // Build the decimal string from integers so large amounts never round through floats.
  const major = Math.floor(abs / scale);
  const minor = abs % scale;
  const decimal = digits === 0 ? `${major}` : `${major}.${String(minor).padStart(digits, "0")}`;
  const text = formatter(currency.toUpperCase(), locale).format(
    decimal as unknown as number, // Intl accepts decimal strings (ES2023 "Intl.NumberFormat v3").
  );
  return negative ? `-${text}` : text;
}

/** "12.5" or "12,50" (a shopper's price filter) → 1250 cents; null if not a price. */
export function parseMoneyInput(text: string, currency = "USD"): number | null {
  const cleaned = text.trim().replace(/[^\d.,]/g, "");
  if (!cleaned) return null;
  const match = /^(\d{1,9})(?:[.,](\d{0,3}))?$/.exec(cleaned);
  if (!match) return null;
  const digits = minorDigits(currency);
  const fraction = (match[2] ?? "").padEnd(digits, "0");
  if (fraction.length > digits && /[1-9]/.test(fraction.slice(digits))) return null;
  return Number(match[1]) * 10 ** digits + Number(fraction.slice(0, digits) || "0");
}

/** 1250 → "12.50" for an input's value (no currency sign). */
export function centsToInput(cents: number, currency = "USD"): string {
  const digits = minorDigits(currency);
  if (digits === 0) return String(cents);
  const scale = 10 ** digits;
  const minor = cents % scale;
  return minor === 0 ? String(cents / scale) : `${Math.floor(cents / scale)}.${String(minor).padStart(digits, "0")}`;
}
