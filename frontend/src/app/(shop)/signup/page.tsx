import type { Metadata } from "next";

import { SignupForm } from "@/components/AuthForms";

export const metadata: Metadata = { title: "Sign up" };

type Props = { searchParams: Promise<{ next?: string }> };

export default async function SignupPage({ searchParams }: Props) {
  const { next } = await searchParams;
  const target = next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
  return (
    <div className="mx-auto max-w-sm">
      <h1 className="mb-4 text-2xl font-bold">Create your account</h1>
      <div className="card p-5">
        <SignupForm next={target} />
      </div>
    </div>
  );
}
