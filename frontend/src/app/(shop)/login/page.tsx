import type { Metadata } from "next";

import { LoginForm } from "@/components/AuthForms";

export const metadata: Metadata = { title: "Log in" };

type Props = { searchParams: Promise<{ next?: string; logged_out?: string }> };

export default async function LoginPage({ searchParams }: Props) {
  const { next, logged_out } = await searchParams;
  const target = next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
  return (
    <div className="mx-auto max-w-sm">
      <h1 className="mb-4 text-2xl font-bold">Log in</h1>
      {logged_out ? (
        <p role="status" className="mb-4 rounded-md bg-emerald-50 p-3 text-sm text-emerald-900">
          You are logged out.
        </p>
      ) : null}
      <div className="card p-5">
        <LoginForm next={target} />
      </div>
    </div>
  );
}
