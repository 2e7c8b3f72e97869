import type { Metadata } from "next";
import Link from "next/link";

import { CheckoutForm } from "@/components/CheckoutForm";
import { Price } from "@/components/Price";
import { EmptyState, ErrorPanel, Notice } from "@/components/States";
import { loadCart } from "@/lib/cart";
import { requireSession } from "@/lib/session";

export const metadata: Metadata = { title: "Checkout" };

export default async function CheckoutPage() {
  const session = await requireSession("/checkout");
  const result = await loadCart(session.accessToken);
  if ("error" in result) {
    return <ErrorPanel title="Checkout cannot start right now" message={result.error.message} />;
  }
  const { cart } = result;
  if (cart.lines.length === 0) {
    return (
      <EmptyState title="Your cart is empty">
        <Link href="/products" className="link">
          Browse the catalog
        </Link>
      </EmptyState>
    );
  }
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Checkout</h1>
      <div className="grid gap-6 lg:grid-cols-[1fr_20rem]">
        <CheckoutForm totalCents={cart.totalCents} currency={cart.currency} />
        <aside aria-labelledby="order-summary" className="card h-fit space-y-3 p-4 lg:order-last">
          <h2 id="order-summary" className="text-lg font-semibold">
            Your order
          </h2>
          <Notice lines={cart.warnings} />
          <ul className="space-y-2 text-sm" role="list">
            {cart.lines.map((line) => (
              <li key={line.productId} className="flex justify-between gap-2">
                <span>
                  {line.quantity} × {line.name}
                </span>
                <Price cents={line.lineTotalCents} currency={cart.currency} />
              </li>
            ))}
          </ul>
          <p className="flex justify-between border-t border-slate-200 pt-2 font-bold">
            <span>Total</span>
            <Price cents={cart.totalCents} currency={cart.currency} />
          </p>
          <Link href="/cart" className="link text-sm">
            Change your cart
          </Link>
        </aside>
      </div>
    </div>
  );
}
