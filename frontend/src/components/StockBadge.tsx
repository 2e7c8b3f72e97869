/** "In stock", "Only 3 left", "Out of stock": what a shopper needs to know before adding. */
export const LOW_STOCK = 5;

export function stockText(stock: number): string {
  if (stock <= 0) return "Out of stock";
  if (stock <= LOW_STOCK) return `Only ${stock} left`;
  return "In stock";
}

export function StockBadge({ stock }: { stock: number }) {
  const tone =
    stock <= 0
      ? "bg-red-50 text-red-800 ring-red-200"
      : stock <= LOW_STOCK
        ? "bg-amber-50 text-amber-900 ring-amber-200"
        : "bg-emerald-50 text-emerald-800 ring-emerald-200";
  return (
    <span
      className={`inline-block rounded-full px-2 py-0.5 text-xs font-semibold ring-1 ${tone}`}
      data-testid="stock"
    >
      {stockText(stock)}
    </span>
  );
}
