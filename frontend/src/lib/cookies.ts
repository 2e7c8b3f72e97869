/** The names and attributes of the BFF's cookies; every one is httpOnly and SameSite=Lax. */

export const ACCESS_COOKIE = "shop_at";
export const REFRESH_COOKIE = "shop_rt";
export const GUEST_CART_COOKIE = "shop_cart";
export const NOTICE_COOKIE = "shop_notice";

export const REFRESH_MAX_AGE = 60 * 60 * 24 * 14;
export const GUEST_CART_MAX_AGE = 60 * 60 * 24 * 30;

export type CookieOptions = {
  httpOnly: true;
  sameSite: "lax";
  secure: boolean;
  path: "/";
  maxAge: number;
};

export function cookieOptions(secure: boolean, maxAge: number): CookieOptions {
  return { httpOnly: true, sameSite: "lax", secure, path: "/", maxAge };
}

/** Secure when the shopper reached the site over https (directly or through a proxy). */
export function isHttps(headers: { get(name: string): string | null }, url?: string): boolean {
  const proto = headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
  if (proto) return proto === "https";
  return url?.startsWith("https:") ?? false;
}
