"use server";

import { redirect } from "next/navigation";

import { api } from "@/lib/api/client";
import { errorInfo } from "@/lib/api/errors";
import type { AuthResponse } from "@/lib/api/types";
import { mergeGuestCartInto } from "@/lib/merge";
import { clearTokens, getSession, setNotice, storeTokens } from "@/lib/session";
import { cookies } from "next/headers";
import { REFRESH_COOKIE } from "@/lib/cookies";

export type FormState = { error?: string; fields?: Record<string, string> };

/** Only a path on this site (never `//evil.example` or a full URL) may follow a login. */
function safeNext(value: FormDataEntryValue | null): string {
  const next = typeof value === "string" ? value : "";
  return next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";
}

async function signedIn(auth: AuthResponse, next: string): Promise<never> {
  await storeTokens(auth);
  const { merged, notices } = await mergeGuestCartInto(auth.access_token);
  await setNotice(notices);
  // A shopper who filled a cart as a guest wants to see it now.
  redirect(merged && next === "/" ? "/cart" : next);
}

export async function login(_: FormState, form: FormData): Promise<FormState> {
  const email = String(form.get("email") ?? "").trim();
  const password = String(form.get("password") ?? "");
  if (!email || !password) return { error: "Enter your email (or username) and password.", fields: { email } };
  let auth: AuthResponse;
  try {
    const { data, error, response } = await api().POST("/api/auth/login", {
      body: { email, password },
    });
    if (!data) {
      const info = errorInfo(response.status, error);
      const message =
        response.status === 401
          ? "That email and password do not match an account."
          : response.status === 429
            ? "Too many attempts. Please wait a minute and try again."
            : info.message;
      return { error: message, fields: { email } };
    }
    auth = data;
  } catch {
    return { error: "We cannot sign you in right now. Please try again in a moment.", fields: { email } };
  }
  return signedIn(auth, safeNext(form.get("next")));
}

export async function signup(_: FormState, form: FormData): Promise<FormState> {
  const username = String(form.get("username") ?? "").trim();
  const email = String(form.get("email") ?? "").trim();
  const password = String(form.get("password") ?? "");
  const fields = { username, email };
  if (password.length < 8) return { error: "Choose a password of at least 8 characters.", fields };
  let auth: AuthResponse;
  try {
    const { data, error, response } = await api().POST("/api/auth/signup", {
      body: { username, email, password },
    });
    if (!data) {
      const info = errorInfo(response.status, error);
      const message =
        response.status === 409
          ? "An account with that email or username already exists. Try logging in."
          : info.message;
      return { error: message, fields };
    }
    auth = data;
  } catch {
    return { error: "We cannot create accounts right now. Please try again in a moment.", fields };
  }
  return signedIn(auth, safeNext(form.get("next")));
}

/** Ends the session at the auth service (both tokens stop working) and forgets the cookies. */
export async function logout(): Promise<void> {
  const session = await getSession();
  const refresh = (await cookies()).get(REFRESH_COOKIE)?.value;
  if (session) {
    try {
      await api(session.accessToken).POST("/api/auth/logout", {
        body: refresh ? { refresh_token: refresh } : {},
      });
    } catch {
      // The cookies go anyway: this browser is logged out even if the service did not answer.
    }
  }
  await clearTokens();
}
