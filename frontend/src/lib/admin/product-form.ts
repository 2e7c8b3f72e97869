/**
 * The product form: reading its fields into the API's body, and putting the API's validation
 * errors next to the fields they name.
 */

import { parseMoneyInput } from "@/lib/money";

export type ProductBody = {
  name: string;
  description: string;
  price_cents: number;
  category: string;
  image_url: string | null;
  attributes: Record<string, string>;
  stock?: number;
};

export type FieldErrors = Partial<Record<string, string>>;

/** The form's fields by name (what the browser posts). */
export type ProductFields = {
  name: string;
  description: string;
  price: string;
  category: string;
  image_url: string;
  stock: string;
  attr_key: string[];
  attr_value: string[];
};

export function readProductFields(form: FormData): ProductFields {
  const text = (key: string) => String(form.get(key) ?? "");
  return {
    name: text("name").trim(),
    description: text("description").trim(),
    price: text("price").trim(),
    category: text("category").trim(),
    image_url: text("image_url").trim(),
    stock: text("stock").trim(),
    attr_key: form.getAll("attr_key").map(String),
    attr_value: form.getAll("attr_value").map(String),
  };
}

/** The body to send, or the errors found before asking the service. */
export function toProductBody(
  fields: ProductFields,
  { creating }: { creating: boolean },
): { body: ProductBody } | { errors: FieldErrors } {
  const errors: FieldErrors = {};
  if (!fields.name) errors.name = "Enter a name.";
  if (!fields.category) errors.category = "Enter a category.";
  const price = parseMoneyInput(fields.price);
  if (price === null || price <= 0) errors.price_cents = "Enter a price such as 19.99.";
  let stock: number | undefined;
  if (creating && fields.stock !== "") {
    stock = /^\d{1,9}$/.test(fields.stock) ? Number(fields.stock) : NaN;
    if (Number.isNaN(stock)) errors.stock = "Enter a whole number of units (0 or more).";
  }
  const attributes: Record<string, string> = {};
  fields.attr_key.forEach((rawKey, i) => {
    const key = rawKey.trim();
    const value = (fields.attr_value[i] ?? "").trim();
    if (!key && !value) return;
    if (!key) errors.attributes = "Every attribute needs a name.";
    else if (key in attributes) errors.attributes = `The attribute "${key}" is there twice.`;
    else attributes[key] = value;
  });
  if (Object.keys(errors).length > 0) return { errors };
  return {
    body: {
      name: fields.name,
      description: fields.description,
      price_cents: price as number,
      category: fields.category,
      image_url: fields.image_url || null,
      attributes,
      ...(stock !== undefined ? { stock } : {}),
    },
  };
}

/** The API's `details` (`{field, message}`; field like `price_cents` or `attributes.colour`) →
 * one message per form field. */
export function apiFieldErrors(details: unknown[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const detail of details) {
    const { field, message } = (detail ?? {}) as { field?: unknown; message?: unknown };
    if (typeof field !== "string" || typeof message !== "string") continue;
    const top = field.split(".")[0] || field;
    const name = ["name", "description", "price_cents", "category", "image_url", "attributes", "stock"].includes(top)
      ? top
      : "form";
    errors[name] ??= friendly(message);
  }
  return errors;
}

function friendly(message: string): string {
  const text = message.replace(/^Value error, /, "");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** An image URL worth previewing: http(s) or a path on this site. */
export function previewable(url: string): boolean {
  if (url.startsWith("/") && !url.startsWith("//")) return true;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:";
  } catch {
    return false;
  }
}

/** "wireless, noise cancelling , ,battery" → ["wireless", "noise cancelling", "battery"] (at most 10). */
export function splitKeywords(text: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of text.split(",")) {
    const word = part.trim().replace(/\s+/g, " ").slice(0, 40);
    if (word && !seen.has(word.toLowerCase())) {
      seen.add(word.toLowerCase());
      out.push(word);
    }
  }
  return out.slice(0, 10);
}
