import Link from "next/link";

import { LogoutButton } from "@/components/LogoutButton";

import type { Claims } from "@/lib/tokens";

export function Header({ claims, cartCount }: { claims: Claims | null; cartCount: number | null }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3">
        <Link href="/" className="text-xl font-extrabold tracking-tight text-brand-800">
          Shop
        </Link>
        <form action="/products" method="get" role="search" className="order-last w-full sm:order-none sm:w-auto sm:flex-1">
          <label htmlFor="header-search" className="sr-only">
            Search products
          </label>
          <input
            id="header-search"
            name="q"
            type="search"
            placeholder="Search products"
            className="input"
            autoComplete="off"
          />
        </form>
        <nav aria-label="Main" className="ml-auto flex items-center gap-1 text-sm font-medium sm:ml-0">
          <Link href="/products" className="rounded px-2 py-2 text-slate-800 hover:bg-slate-100">
            Catalog
          </Link>
          <Link
            href="/cart"
            className="rounded px-2 py-2 text-slate-800 hover:bg-slate-100"
            data-testid="cart-link"
          >
            Cart
            {cartCount ? (
              <span className="ml-1 rounded-full bg-brand-700 px-2 py-0.5 text-xs text-white">
                <span className="sr-only">, items: </span>
                {cartCount}
              </span>
            ) : null}
          </Link>
          {claims ? (
            <>
              {claims.role === "admin" ? (
                <Link href="/admin" className="rounded px-2 py-2 text-slate-800 hover:bg-slate-100">
                  Admin
                </Link>
              ) : null}
              <Link href="/account" className="rounded px-2 py-2 text-slate-800 hover:bg-slate-100">
                Account
              </Link>
              <LogoutButton className="rounded px-2 py-2 text-slate-800 hover:bg-slate-100" />
            </>
          ) : (
            <>
              <Link href="/login" className="rounded px-2 py-2 text-slate-800 hover:bg-slate-100">
                Log in
              </Link>
              <Link href="/signup" className="btn-primary">
                Sign up
              </Link>
            </>
          )}
        </nav>
      </div>
    </header>
  );
}

export function Footer() {
  return (
    <footer className="mt-12 border-t border-slate-200 bg-white">
      <div className="mx-auto max-w-6xl px-4 py-6 text-sm text-slate-700">
        A demo shop: payments use test cards only, nothing is charged.
      </div>
    </footer>
  );
}
