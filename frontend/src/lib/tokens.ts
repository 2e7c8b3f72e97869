/** Access-token claims, read (not verified: the gateway verifies) to decide what to show. */

export type Role = "customer" | "admin";
export type Claims = { sub: string; role: Role; exp: number };

export function decodeClaims(token: string | undefined | null): Claims | null {
  const payload = token?.split(".")[1];
  if (!payload) return null;
  try {
    const json = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<
      string,
      unknown
    >;
    if (typeof json.sub !== "string" || typeof json.exp !== "number") return null;
    return { sub: json.sub, role: json.role === "admin" ? "admin" : "customer", exp: json.exp };
  } catch {
    return null;
  }
}

/** True when the token is missing, unreadable or expires within `skewSeconds`. */
export function isExpired(token: string | undefined | null, skewSeconds = 15, now = Date.now()) {
  const claims = decodeClaims(token);
  return !claims || claims.exp * 1000 <= now + skewSeconds * 1000;
}
