import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";

import { AdminHeader } from "@/components/admin/AdminHeader";
import { adminAccess } from "@/lib/admin/auth";
import { getUser } from "@/lib/session";

export const metadata: Metadata = { title: { default: "Admin", template: "%s · Admin · Shop" } };

/**
 * The admin frame. The role is checked here on the server before anything renders (and again by
 * each page before it loads data, and by every service): nobody signed in is sent to log in, a
 * customer sees a refusal and none of the admin pages.
 */
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const access = await adminAccess();
  if (access.kind === "anonymous") redirect("/login?next=%2Fadmin");
  if (access.kind === "customer") {
    return (
      <main id="main" className="mx-auto max-w-xl px-4 py-16 text-center">
        <h1 className="text-2xl font-bold">Admins only</h1>
        <p className="mt-3 text-slate-800">This part of the shop is for the shop&apos;s administrators.</p>
        <p className="mt-6">
          <Link href="/" className="btn-primary">
            Back to the shop
          </Link>
        </p>
      </main>
    );
  }
  const user = await getUser();
  return (
    <>
      <AdminHeader username={user?.username ?? null} />
      <main id="main" className="mx-auto max-w-7xl px-4 py-6">
        {children}
      </main>
    </>
  );
}
