import type { Metadata } from "next";
import { forbidden, redirect } from "next/navigation";

import { AdminHeader } from "@/components/admin/AdminHeader";
import { adminAccess } from "@/lib/admin/auth";
import { getUser } from "@/lib/session";

export const metadata: Metadata = { title: { default: "Admin", template: "%s · Admin · Shop" } };

/**
 * The admin frame. The role is checked here on the server before anything renders (and again by
 * each page before it loads data, and by every service): nobody signed in is sent to log in, a
 * customer gets a 403 refusal and none of the admin pages.
 */
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const access = await adminAccess();
  if (access.kind === "anonymous") redirect("/login?next=%2Fadmin");
  if (access.kind === "customer") forbidden(); // 403, with app/forbidden.tsx
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
