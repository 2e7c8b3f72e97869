import "server-only";

import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";

import { api } from "@/lib/api/client";
import type { AuthResponse, User } from "@/lib/api/types";
import {
  ACCESS_COOKIE,
  cookieOptions,
  isHttps,
  NOTICE_COOKIE,
  REFRESH_COOKIE,
  REFRESH_MAX_AGE,
} from "@/lib/cookies";
import { gatewayUrl } from "@/lib/env";
import { refreshOnce } from "@/lib/refresh";
import { type Claims, decodeClaims, isExpired } from "@/lib/tokens";

export type Session = { accessToken: string; claims: Claims };

/** The signed-in shopper's token and claims (the role is known server-side), or null. */
export const getSession = cache(async (): Promise<Session | null> => {
  const jar = await cookies();
  const accessToken = jar.get(ACCESS_COOKIE)?.value;
  const claims = decodeClaims(accessToken);
  if (!accessToken || !claims) return null;
  return { accessToken, claims };
});

/** The shopper's account as the auth service knows it; null when not signed in or revoked. */
export const getUser = cache(async (): Promise<User | null> => {
  const session = await getSession();
  if (!session) return null;
  try {
    const { data } = await api(session.accessToken).GET("/api/auth/me");
    return data ?? null;
  } catch {
    return null;
  }
});

/** For account pages: the session, or a redirect to the login page that comes back here. */
export async function requireSession(next: string): Promise<Session> {
  const session = await getSession();
  if (!session) redirect(`/login?next=${encodeURIComponent(next)}`);
  return session;
}

async function secure(): Promise<boolean> {
  return isHttps(await headers());
}

/** Store a fresh token pair (server actions and route handlers only). */
export async function storeTokens(auth: AuthResponse): Promise<void> {
  const jar = await cookies();
  const isSecure = await secure();
  jar.set(ACCESS_COOKIE, auth.access_token, cookieOptions(isSecure, auth.expires_in));
  jar.set(REFRESH_COOKIE, auth.refresh_token, cookieOptions(isSecure, REFRESH_MAX_AGE));
}

export async function clearTokens(): Promise<void> {
  const jar = await cookies();
  jar.delete(ACCESS_COOKIE);
  jar.delete(REFRESH_COOKIE);
}

/**
 * In a server action: a usable access token, refreshed first when it has expired (the proxy
 * refreshes before pages render; an action may run later than that).
 */
export async function actionToken(): Promise<string | null> {
  const jar = await cookies();
  const access = jar.get(ACCESS_COOKIE)?.value;
  if (access && !isExpired(access)) return access;
  const refresh = jar.get(REFRESH_COOKIE)?.value;
  if (!refresh) return null;
  const auth = await refreshOnce(gatewayUrl(), refresh);
  if (auth === "unreachable") return null;
  if (!auth) {
    await clearTokens();
    return null;
  }
  await storeTokens(auth);
  return auth.access_token;
}

/** A one-time message for the next page (e.g. items capped while merging the guest cart). */
export async function setNotice(lines: string[]): Promise<void> {
  if (lines.length === 0) return;
  const jar = await cookies();
  jar.set(NOTICE_COOKIE, JSON.stringify(lines.slice(0, 10)), cookieOptions(await secure(), 300));
}

export async function readNotice(): Promise<string[]> {
  const jar = await cookies();
  const raw = jar.get(NOTICE_COOKIE)?.value;
  if (!raw) return [];
  try {
    const lines = JSON.parse(raw) as unknown;
    return Array.isArray(lines) ? lines.filter((l): l is string => typeof l === "string") : [];
  } catch {
    return [];
  }
}
