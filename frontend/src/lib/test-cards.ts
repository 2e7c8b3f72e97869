/** The payment service's test cards (API.md, "Payments"), listed on the checkout page. */
export const TEST_CARDS = [
  { number: "4242 4242 4242 4242", label: "Visa, approved" },
  { number: "5555 5555 5555 4444", label: "Mastercard, approved" },
  { number: "4000 0000 0000 0002", label: "Declined (card declined)" },
  { number: "4000 0000 0000 9995", label: "Declined (insufficient funds)" },
] as const;

/** "12/34" or "12 / 2034" → month and four-digit year, or null. */
export function parseExpiry(text: string, now = new Date()): { month: number; year: number } | null {
  const match = /^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/.exec(text);
  if (!match) return null;
  const month = Number(match[1]);
  let year = Number(match[2]);
  if (month < 1 || month > 12) return null;
  if (year < 100) year += Math.floor(now.getUTCFullYear() / 100) * 100;
  return { month, year };
}
