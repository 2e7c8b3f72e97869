import "server-only";

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
    fetch: (request: Request) => fetch(request, { signal: AbortSignal.timeout(TIMEOUT_MS) }),
  });
}
