import Link from "next/link";

import { LogoutButton } from "@/components/LogoutButton";

import { AdminNav } from "./AdminNav";

export function AdminHeader({ username }: { username: string | null }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-4 gap-y-2 px-4 py-3">
        <Link href="/admin" className="text-xl font-extrabold tracking-tight text-brand-800">
          Shop <span className="font-semibold text-slate-700">admin</span>
        </Link>
        <AdminNav />
        <div className="ml-auto flex items-center gap-1 text-sm font-medium">
          {username ? <span className="px-2 text-slate-700">{username}</span> : null}
          <Link href="/" className="rounded px-2 py-2 text-slate-800 hover:bg-slate-100">
            Storefront
          </Link>
          <LogoutButton className="rounded px-2 py-2 text-slate-800 hover:bg-slate-100" />
        </div>
      </div>
    </header>
  );
}
