import type { Metadata } from "next";
import Link from "next/link";

import { CartLineControls } from "@/components/CartLineControls";
import { NoticeBanner } from "@/components/NoticeBanner";
import { Price } from "@/components/Price";
import { EmptyState, ErrorPanel, Notice } from "@/components/States";
import { loadCart } from "@/lib/cart";
import { getSession, readNotice } from "@/lib/session";

export const metadata: Metadata = { title: "Cart" };

export default async function CartPage() {
  const session = await getSession();
  const [result, notice] = await Promise.all([loadCart(session?.accessToken ?? null), readNotice()]);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Your cart</h1>
      <NoticeBanner lines={notice} />
      {"error" in result ? (
        <ErrorPanel title="Your cart cannot be shown right now" message={result.error.message} />
      ) : result.cart.lines.length === 0 ? (
        <>
          <Notice lines={result.cart.warnings} />
          <EmptyState title="Your cart is empty">
            <Link href="/products" className="link">
              Browse the catalog
            </Link>
          </EmptyState>
        </>
      ) : (
        <div className="grid gap-6 lg:grid-cols-[1fr_20rem]">
          <section aria-labelledby="lines-heading" className="space-y-4">
            <h2 id="lines-heading" className="sr-only">
              Items
            </h2>
            <Notice lines={result.cart.warnings} />
            <ul className="space-y-3" role="list">
              {result.cart.lines.map((line) => (
                <li key={line.productId} className="card p-4" data-testid="cart-line">
                  <div className="flex flex-wrap items-start justify-between gap-2">
                    <div>
                      <Link href={`/products/${line.productId}`} className="font-semibold text-slate-900 hover:underline">
                        {line.name}
                      </Link>
                      <p className="text-sm text-slate-700">
                        <Price cents={line.unitPriceCents} currency={result.cart.currency} /> each
                        {line.available <= 5 ? (
                          <span className="ml-2 font-medium text-amber-900">
                            {line.available === 0 ? "Out of stock" : `Only ${line.available} left`}
                          </span>
                        ) : null}
                      </p>
                    </div>
                    <Price cents={line.lineTotalCents} currency={result.cart.currency} className="font-bold" />
                  </div>
                  <div className="mt-3">
                    <CartLineControls
                      productId={line.productId}
                      name={line.name}
                      quantity={line.quantity}
                      available={line.available}
                    />
                  </div>
                </li>
              ))}
            </ul>
          </section>
          <aside aria-labelledby="summary-heading" className="card h-fit space-y-3 p-4">
            <h2 id="summary-heading" className="text-lg font-semibold">
              Summary
            </h2>
            <dl className="space-y-1 text-sm">
              <div className="flex justify-between">
                <dt>Items</dt>
                <dd>{result.cart.itemCount}</dd>
              </div>
              <div className="flex justify-between text-base font-bold">
                <dt>Total</dt>
                <dd data-testid="cart-total">
                  <Price cents={result.cart.totalCents} currency={result.cart.currency} />
                </dd>
              </div>
            </dl>
            {result.cart.owner === "guest" ? (
              <div className="space-y-2 text-sm">
                <p>Log in or create an account to check out. Your cart comes with you.</p>
                <Link href="/signup?next=/checkout" className="btn-primary w-full">
                  Sign up to check out
                </Link>
                <Link href="/login?next=/checkout" className="btn-secondary w-full">
                  Log in
                </Link>
              </div>
            ) : result.cart.lines.some((l) => !l.purchasable) ? (
              <p className="text-sm text-red-800">Fix the items marked above before checking out.</p>
            ) : (
              <Link href="/checkout" className="btn-primary w-full">
                Check out
              </Link>
            )}
          </aside>
        </div>
      )}
    </div>
  );
}
