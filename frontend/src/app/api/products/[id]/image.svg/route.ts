import { gatewayUrl } from "@/lib/env";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The catalog's generated product pictures, at the path the product service gives them
 * (`/api/products/{id}/image.svg`): the browser talks only to this site, so the picture is
 * fetched from the gateway here, with its caching headers.
 */
export async function GET(_: Request, ctx: { params: Promise<{ id: string }> }) {
  const { id } = await ctx.params;
  if (!UUID.test(id)) return new Response("Not found", { status: 404 });
  try {
    const upstream = await fetch(`${gatewayUrl()}/api/products/${id}/image.svg`, {
      signal: AbortSignal.timeout(5000),
    });
    if (!upstream.ok) return new Response("Not found", { status: upstream.status === 404 ? 404 : 502 });
    const headers = new Headers({ "Content-Type": "image/svg+xml" });
    for (const name of ["cache-control", "etag", "last-modified"]) {
      const value = upstream.headers.get(name);
      if (value) headers.set(name, value);
    }
    if (!headers.has("cache-control")) headers.set("cache-control", "public, max-age=3600");
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
    return new Response(upstream.body, { headers });
  } catch {
    return new Response("Picture unavailable", { status: 502 });
  }
}
