import { NextResponse } from "next/server";

import { api } from "@/lib/api/client";
import { getSession } from "@/lib/session";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An order's status for the confirmation page to follow (the shopper's own orders only). */
export async function GET(_: Request, ctx: { params: Promise<{ id: string }> }) {
  const { id } = await ctx.params;
  const headers = { "Cache-Control": "no-store" };
  if (!UUID.test(id)) return NextResponse.json({ error: "not_found" }, { status: 404, headers });
  const session = await getSession();
  if (!session) return NextResponse.json({ error: "unauthenticated" }, { status: 401, headers });
  try {
    const { data, response } = await api(session.accessToken).GET("/api/orders/{order_id}", {
      params: { path: { order_id: id } },
    });
    if (!data) return NextResponse.json({ error: "unavailable" }, { status: response.status, headers });
    return NextResponse.json({ status: data.status, updated_at: data.updated_at }, { headers });
  } catch {
    return NextResponse.json({ error: "unavailable" }, { status: 503, headers });
  }
}
