import "server-only";

import { forbidden, redirect } from "next/navigation";

import { actionToken, getSession, type Session } from "@/lib/session";
import { decodeClaims } from "@/lib/tokens";

/** Who is asking for an admin page: an admin's session, a signed-in customer, or nobody. */
export type AdminAccess = { kind: "admin"; session: Session } | { kind: "customer" } | { kind: "anonymous" };

export async function adminAccess(): Promise<AdminAccess> {
  const session = await getSession();
  if (!session) return { kind: "anonymous" };
  return session.claims.role === "admin" ? { kind: "admin", session } : { kind: "customer" };
}

/**
 * Every admin page calls this before it loads anything: nobody signed in goes to the login page
 * (and comes back), a customer gets a 403 — no admin data is ever fetched for them. The
 * services check the role again on every call.
 */
export async function requireAdmin(path: string): Promise<Session> {
  const access = await adminAccess();
  if (access.kind === "anonymous") redirect(`/login?next=${encodeURIComponent(path)}`);
  if (access.kind === "customer") forbidden();
  return access.session;
}

/** In a server action: an admin's usable access token, or null (then the action refuses). */
export async function adminActionToken(): Promise<string | null> {
  const token = await actionToken();
  return decodeClaims(token)?.role === "admin" ? token : null;
}
