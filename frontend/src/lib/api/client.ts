import "server-only";

import { headers } from "next/headers";
import createClient, { type Client } from "openapi-fetch";

import { gatewayUrl } from "@/lib/env";

import type { paths } from "./schema";

export type Api = Client<paths>;

/** How long the server waits for the gateway before it shows the part of a page as down. */
const TIMEOUT_MS = 8000;

/** A typed client for the gateway, with the caller's access token when there is one. */
export function api(accessToken?: string | null): Api {
  return createClient<paths>({
    baseUrl: gatewayUrl(),
    headers: accessToken ? { Authorization: `Bearer ${accessToken}` } : {},
    fetch: async (request: Request) => {
      const shopper = await shopperAddress();
      if (shopper) request.headers.set("X-Forwarded-For", shopper);
      return fetch(request, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    },
  });
}

/**
 * The shopper's address, for the gateway's per-address limits (sign-in failures): the server
 * (scripts/server.cjs) sets X-Forwarded-For on every request to the one address it believes.
 * Null outside a request.
 */
async function shopperAddress(): Promise<string | null> {
  try {
    return (await headers()).get("x-forwarded-for");
  } catch {
    return null;
  }
}
