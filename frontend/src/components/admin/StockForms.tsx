"use client";

import { useActionState, useId } from "react";

import { adjustStock, setStock } from "@/lib/admin/actions";
import type { ActionResult } from "@/lib/admin/result";

import { errorProps, FieldError, FormMessage } from "./Field";

/** Set the count outright (after counting the shelf) or adjust it by a delta with a reason. */
export function StockForms({ productId, stock, compact = false }: { productId: string; stock: number; compact?: boolean }) {
  const [setState, setAction, setting] = useActionState<ActionResult, FormData>(setStock.bind(null, productId), {});
  const [adjState, adjAction, adjusting] = useActionState<ActionResult, FormData>(adjustStock.bind(null, productId), {});
  const uid = useId();
  const ids = {
    stock: `${uid}-stock`,
    setNote: `${uid}-set-note`,
    delta: `${uid}-delta`,
    reason: `${uid}-reason`,
    adjNote: `${uid}-adj-note`,
  };
  return (
    <div className={`grid gap-4 ${compact ? "lg:grid-cols-2" : "md:grid-cols-2"}`}>
      <form action={setAction} className="space-y-2 rounded-md border border-slate-200 p-3" aria-label="Set stock">
        <p className="text-sm font-semibold">Set the count</p>
        <div className="flex flex-wrap items-end gap-2">
          <div className="w-28">
            <label htmlFor={ids.stock} className="label">Units</label>
            <input id={ids.stock} name="stock" inputMode="numeric" defaultValue={stock} className="input" {...errorProps(ids.stock, setState.fields?.stock)} />
          </div>
          <div className="min-w-40 flex-1">
            <label htmlFor={ids.setNote} className="label">Note (optional)</label>
            <input id={ids.setNote} name="note" className="input" placeholder="Counted in the warehouse" maxLength={500} />
          </div>
          <button type="submit" className="btn-primary" disabled={setting}>{setting ? "Saving…" : "Set stock"}</button>
        </div>
        <FieldError id={`${ids.stock}-error`} message={setState.fields?.stock} />
        <FormMessage ok={setState.ok} error={setState.error} />
      </form>
      <form action={adjAction} className="space-y-2 rounded-md border border-slate-200 p-3" aria-label="Adjust stock">
        <p className="text-sm font-semibold">Adjust by</p>
        <div className="flex flex-wrap items-end gap-2">
          <div className="w-24">
            <label htmlFor={ids.delta} className="label">Units ±</label>
            <input id={ids.delta} name="delta" inputMode="numeric" placeholder="+5" className="input" {...errorProps(ids.delta, adjState.fields?.delta)} />
          </div>
          <div>
            <label htmlFor={ids.reason} className="label">Reason</label>
            <select id={ids.reason} name="reason" className="input" defaultValue="restock">
              <option value="restock">Goods received</option>
              <option value="admin">Correction</option>
            </select>
          </div>
          <div className="min-w-40 flex-1">
            <label htmlFor={ids.adjNote} className="label">Note (optional)</label>
            <input id={ids.adjNote} name="note" className="input" maxLength={500} />
          </div>
          <button type="submit" className="btn-primary" disabled={adjusting}>{adjusting ? "Saving…" : "Adjust"}</button>
        </div>
        <FieldError id={`${ids.delta}-error`} message={adjState.fields?.delta} />
        <FormMessage ok={adjState.ok} error={adjState.error} />
      </form>
    </div>
  );
}
