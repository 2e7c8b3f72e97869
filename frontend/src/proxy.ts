import { type NextRequest, NextResponse } from "next/server";

import { ACCESS_COOKIE, cookieOptions, isHttps, REFRESH_COOKIE, REFRESH_MAX_AGE } from "@/lib/cookies";
import { refreshOnce } from "@/lib/refresh";
import { isExpired } from "@/lib/tokens";

/**
 * Before a page, a server action or a route handler runs: when the access token has expired
 * (or is about to) and a refresh token is there, trade it for a new pair. The page sees the new
 * access token in this very request, and the browser gets both new cookies with the response.
 */
export async function proxy(request: NextRequest) {
  const access = request.cookies.get(ACCESS_COOKIE)?.value;
  const refresh = request.cookies.get(REFRESH_COOKIE)?.value;
  if (!refresh || !isExpired(access)) return NextResponse.next();

  const gateway = (process.env.API_GATEWAY_URL ?? "http://127.0.0.1:8000").replace(/\/+$/, "");
  const auth = await refreshOnce(gateway, refresh);
  // A gateway that does not answer is no reason to end the session: try again next time.
  if (auth === "unreachable") return NextResponse.next();
  const secure = isHttps(request.headers, request.url);
  if (!auth) {
    // The session is over (expired, revoked, or logged out elsewhere): forget its cookies.
    request.cookies.delete(ACCESS_COOKIE);
    request.cookies.delete(REFRESH_COOKIE);
    const response = NextResponse.next({ request: { headers: request.headers } });
    response.cookies.delete(ACCESS_COOKIE);
    response.cookies.delete(REFRESH_COOKIE);
    return response;
  }
  request.cookies.set(ACCESS_COOKIE, auth.access_token);
  request.cookies.set(REFRESH_COOKIE, auth.refresh_token);
  const response = NextResponse.next({ request: { headers: request.headers } });
  response.cookies.set(ACCESS_COOKIE, auth.access_token, cookieOptions(secure, auth.expires_in));
  response.cookies.set(REFRESH_COOKIE, auth.refresh_token, cookieOptions(secure, REFRESH_MAX_AGE));
  return response;
}

export const config = {
  matcher: [
    {
      source: "/((?!_next/static|_next/image|favicon.ico|api/products/.*/image.svg).*)",
      // Only a request with a refresh token can need one: a guest's pages skip the proxy.
      has: [{ type: "cookie", key: "shop_rt" }], // REFRESH_COOKIE: the matcher must be a literal
    },
  ],
};
