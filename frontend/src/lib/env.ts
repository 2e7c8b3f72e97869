import "server-only";

/** The gateway as the server reaches it (never exposed to the browser). */
export function gatewayUrl(): string {
  return (process.env.API_GATEWAY_URL ?? "http://127.0.0.1:8000").replace(/\/+$/, "");
}

/** The key that signs the guest cart cookie: required, no default. */
export function sessionSecret(): string {
  const secret = process.env.SESSION_SECRET;
  if (!secret || secret.length < 32) {
    throw new Error("SESSION_SECRET must be set (at least 32 characters)");
  }
  return secret;
}
