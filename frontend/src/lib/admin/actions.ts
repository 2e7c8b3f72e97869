"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";

import { api } from "@/lib/api/client";
import { errorInfo } from "@/lib/api/errors";
import type { Role } from "@/lib/tokens";

import { adminActionToken } from "./auth";
import { apiFieldErrors, readProductFields, splitKeywords, toProductBody } from "./product-form";
import { type ActionResult, NOT_ADMIN, type Tone, TONES, UNREACHABLE } from "./result";

/** Create (no id) or update a product; on success back to the list with a message. */
export async function saveProduct(productId: string | null, _: ActionResult, form: FormData): Promise<ActionResult> {
  const token = await adminActionToken();
  if (!token) return NOT_ADMIN;
  const parsed = toProductBody(readProductFields(form), { creating: productId === null });
  if ("errors" in parsed) return { error: "Please correct the fields marked below.", fields: parsed.errors };
  let savedId: string;
  try {
    const client = api(token);
    const { data, error, response } = productId
      ? await client.PATCH("/api/products/{product_id}", {
          params: { path: { product_id: productId } },
          body: parsed.body,
        })
      : await client.POST("/api/products", { body: { ...parsed.body, stock: parsed.body.stock ?? 0 } });
    if (!data) {
      const info = errorInfo(response.status, error);
      return { error: info.message, fields: apiFieldErrors(info.details) };
    }
    savedId = data.id;
  } catch {
    return UNREACHABLE;
  }
  revalidatePath("/admin/products");
  redirect(`/admin/products?saved=${encodeURIComponent(savedId)}`);
}

export async function deleteProduct(productId: string): Promise<ActionResult> {
  const token = await adminActionToken();
  if (!token) return NOT_ADMIN;
  try {
    const { error, response } = await api(token).DELETE("/api/products/{product_id}", {
      params: { path: { product_id: productId } },
    });
    if (!response.ok && response.status !== 404) return { error: errorInfo(response.status, error).message };
  } catch {
    return UNREACHABLE;
  }
  revalidatePath("/admin/products");
  redirect("/admin/products?deleted=1");
}

export type DescriptionResult = { description?: string; source?: "gemini" | "local"; error?: string };

/** A marketing description from the recommendation service (Gemini, or its local writer). */
export async function writeDescription(input: {
  name: string;
  category: string;
  keywords: string;
  tone: string;
}): Promise<DescriptionResult> {
  const token = await adminActionToken();
  if (!token) return { error: NOT_ADMIN.error };
  const name = input.name.trim();
  const category = input.category.trim();
  if (!name || !category) return { error: "Enter the name and the category first." };
  const tone: Tone = (TONES as readonly string[]).includes(input.tone) ? (input.tone as Tone) : "friendly";
  try {
    const { data, error, response } = await api(token).POST("/api/recommendations/descriptions", {
      body: { name, category, keywords: splitKeywords(input.keywords), tone },
    });
    if (!data) return { error: errorInfo(response.status, error).message };
    return { description: data.description, source: data.source === "gemini" ? "gemini" : "local" };
  } catch {
    return { error: "The description writer is not answering right now. Write it yourself, or try again." };
  }
}

function wholeNumber(value: FormDataEntryValue | null, { signed }: { signed: boolean }): number | null {
  const text = String(value ?? "").trim();
  return (signed ? /^[+-]?\d{1,9}$/ : /^\d{1,9}$/).test(text) ? Number(text) : null;
}

function note(form: FormData): string | null {
  const text = String(form.get("note") ?? "").trim();
  return text ? text.slice(0, 500) : null;
}

export async function setStock(productId: string, _: ActionResult, form: FormData): Promise<ActionResult> {
  const token = await adminActionToken();
  if (!token) return NOT_ADMIN;
  const stock = wholeNumber(form.get("stock"), { signed: false });
  if (stock === null) return { fields: { stock: "Enter a whole number of units (0 or more)." } };
  try {
    const { data, error, response } = await api(token).PUT("/api/inventory/{product_id}", {
      params: { path: { product_id: productId } },
      body: { stock, note: note(form) },
    });
    if (!data) return { error: errorInfo(response.status, error).message };
    revalidatePath("/admin", "layout");
    return { ok: `Stock set to ${data.stock}.` };
  } catch {
    return UNREACHABLE;
  }
}

export async function adjustStock(productId: string, _: ActionResult, form: FormData): Promise<ActionResult> {
  const token = await adminActionToken();
  if (!token) return NOT_ADMIN;
  const delta = wholeNumber(form.get("delta"), { signed: true });
  if (delta === null || delta === 0) {
    return { fields: { delta: "Enter the units to add (such as 5) or take out (such as -3)." } };
  }
  const reason = form.get("reason") === "restock" ? "restock" : "admin";
  try {
    const { data, error, response } = await api(token).POST("/api/inventory/{product_id}/adjust", {
      params: { path: { product_id: productId } },
      body: { delta, reason, note: note(form) },
    });
    if (!data) {
      const info = errorInfo(response.status, error);
      return response.status === 409
        ? { fields: { delta: "Stock cannot go below 0." }, error: info.message }
        : { error: info.message };
    }
    revalidatePath("/admin", "layout");
    return { ok: `Stock is now ${data.stock}.` };
  } catch {
    return UNREACHABLE;
  }
}

async function orderTransition(orderId: string, to: "ship" | "cancel"): Promise<ActionResult> {
  const token = await adminActionToken();
  if (!token) return NOT_ADMIN;
  try {
    const client = api(token);
    const params = { params: { path: { order_id: orderId } } };
    const { data, error, response } =
      to === "ship"
        ? await client.POST("/api/orders/{order_id}/ship", params)
        : await client.POST("/api/orders/{order_id}/cancel", params);
    if (!data) {
      const info = errorInfo(response.status, error);
      return {
        error:
          response.status === 409
            ? `The order's status changed meanwhile: ${info.message} Reload to see it.`
            : info.message,
      };
    }
    revalidatePath("/admin/orders", "layout");
    return { ok: to === "ship" ? "The order is shipped." : "The order is cancelled." };
  } catch {
    return UNREACHABLE;
  }
}

export async function shipOrder(orderId: string): Promise<ActionResult> {
  return orderTransition(orderId, "ship");
}

export async function cancelOrder(orderId: string): Promise<ActionResult> {
  return orderTransition(orderId, "cancel");
}

export async function changeRole(userId: string, role: Role): Promise<ActionResult> {
  const token = await adminActionToken();
  if (!token) return NOT_ADMIN;
  try {
    const { data, error, response } = await api(token).PATCH("/api/auth/users/{user_id}/role", {
      params: { path: { user_id: userId } },
      body: { role },
    });
    if (!data) return { error: errorInfo(response.status, error).message };
    revalidatePath("/admin/users");
    return { ok: `${data.username} is now ${data.role === "admin" ? "an admin" : "a customer"}.` };
  } catch {
    return UNREACHABLE;
  }
}
