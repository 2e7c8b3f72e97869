"use client";

import { useActionState, useState } from "react";

import { saveProduct } from "@/lib/admin/actions";
import { previewable } from "@/lib/admin/product-form";
import type { ActionResult } from "@/lib/admin/result";
import type { Product } from "@/lib/api/types";
import { centsToInput } from "@/lib/money";

import { DescriptionWriter } from "./DescriptionWriter";
import { errorProps, FieldError, FormMessage } from "./Field";

type Row = { id: number; key: string; value: string };

function rowsOf(attributes: Record<string, unknown> | undefined): Row[] {
  const rows = Object.entries(attributes ?? {}).map(([key, value], i) => ({ id: i, key, value: String(value ?? "") }));
  return rows.length > 0 ? rows : [{ id: 0, key: "", value: "" }];
}

/** Create or edit a product. Every field is controlled, so nothing typed is lost when the
 * service refuses it; its messages appear under the fields they name. */
export function ProductForm({ product, categories }: { product: Product | null; categories: string[] }) {
  const [state, action, pending] = useActionState<ActionResult, FormData>(
    saveProduct.bind(null, product?.id ?? null),
    {},
  );
  const [name, setName] = useState(product?.name ?? "");
  const [category, setCategory] = useState(product?.category ?? "");
  const [price, setPrice] = useState(product ? centsToInput(product.price_cents, product.currency) : "");
  const [stock, setStock] = useState("0");
  const [imageUrl, setImageUrl] = useState(product?.image_url ?? "");
  const [description, setDescription] = useState(product?.description ?? "");
  const [rows, setRows] = useState<Row[]>(() => rowsOf(product?.attributes));
  const [nextId, setNextId] = useState(100);
  const errors = state.fields ?? {};

  return (
    <form action={action} className="space-y-5" noValidate>
      <FormMessage error={state.error} />
      {errors.form ? <FormMessage error={errors.form} /> : null}
      <div className="grid gap-4 md:grid-cols-2">
        <div>
          <label htmlFor="name" className="label">Name</label>
          <input id="name" name="name" className="input" value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} {...errorProps("name", errors.name)} />
          <FieldError id="name-error" message={errors.name} />
        </div>
        <div>
          <label htmlFor="category" className="label">Category</label>
          <input id="category" name="category" className="input" list="category-options" value={category} onChange={(e) => setCategory(e.target.value)} required maxLength={60} {...errorProps("category", errors.category)} />
          <datalist id="category-options">
            {categories.map((c) => <option key={c} value={c} />)}
          </datalist>
          <FieldError id="category-error" message={errors.category} />
        </div>
        <div>
          <label htmlFor="price" className="label">Price (USD)</label>
          <input id="price" name="price" className="input" inputMode="decimal" value={price} onChange={(e) => setPrice(e.target.value)} required placeholder="19.99" {...errorProps("price", errors.price_cents)} />
          <FieldError id="price-error" message={errors.price_cents} />
        </div>
        {product ? null : (
          <div>
            <label htmlFor="stock" className="label">Units in stock</label>
            <input id="stock" name="stock" className="input" inputMode="numeric" value={stock} onChange={(e) => setStock(e.target.value)} {...errorProps("stock", errors.stock)} />
            <FieldError id="stock-error" message={errors.stock} />
          </div>
        )}
      </div>
      <div className="grid gap-4 md:grid-cols-[1fr_8rem] md:items-start">
        <div>
          <label htmlFor="image_url" className="label">Image URL</label>
          <input id="image_url" name="image_url" className="input" type="url" value={imageUrl} onChange={(e) => setImageUrl(e.target.value)} placeholder="https://…" {...errorProps("image_url", errors.image_url)} />
          <FieldError id="image_url-error" message={errors.image_url} />
        </div>
        <div className="flex aspect-square w-32 items-center justify-center overflow-hidden rounded-md border border-slate-300 bg-slate-100 text-xs text-slate-700">
          {imageUrl && previewable(imageUrl) ? (
            // A preview of whatever address the admin typed: not for the image optimiser.
            // eslint-disable-next-line @next/next/no-img-element
            <img src={imageUrl} alt="Preview of the image" className="h-full w-full object-cover" data-testid="image-preview" />
          ) : (
            <span>No preview</span>
          )}
        </div>
      </div>
      <DescriptionWriter name={name} category={category} onWritten={setDescription} />
      <div>
        <label htmlFor="description" className="label">Description</label>
        <textarea id="description" name="description" className="input min-h-36" value={description} onChange={(e) => setDescription(e.target.value)} maxLength={5000} {...errorProps("description", errors.description)} />
        <FieldError id="description-error" message={errors.description} />
      </div>
      <fieldset>
        <legend className="label">Attributes</legend>
        <ul className="space-y-2">
          {rows.map((row, i) => (
            <li key={row.id} className="grid grid-cols-[1fr_1fr_auto] gap-2">
              <input aria-label={`Attribute ${i + 1} name`} name="attr_key" className="input" value={row.key} placeholder="colour"
                onChange={(e) => setRows(rows.map((r) => (r.id === row.id ? { ...r, key: e.target.value } : r)))} />
              <input aria-label={`Attribute ${i + 1} value`} name="attr_value" className="input" value={row.value} placeholder="walnut"
                onChange={(e) => setRows(rows.map((r) => (r.id === row.id ? { ...r, value: e.target.value } : r)))} />
              <button type="button" className="btn-secondary" aria-label={`Remove attribute ${i + 1}`}
                onClick={() => setRows(rows.length > 1 ? rows.filter((r) => r.id !== row.id) : [{ id: nextId, key: "", value: "" }])}>
                Remove
              </button>
            </li>
          ))}
        </ul>
        <button type="button" className="btn-secondary mt-2" onClick={() => { setRows([...rows, { id: nextId, key: "", value: "" }]); setNextId(nextId + 1); }}>
          Add attribute
        </button>
        <FieldError id="attributes-error" message={errors.attributes} />
      </fieldset>
      <div className="flex gap-2">
        <button type="submit" className="btn-primary" disabled={pending}>
          {pending ? "Saving…" : product ? "Save changes" : "Create product"}
        </button>
      </div>
    </form>
  );
}
