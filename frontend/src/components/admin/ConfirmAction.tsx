"use client";

import { useActionState, useId, useState } from "react";

import type { ActionResult } from "@/lib/admin/result";

/**
 * A button whose action runs only after a second, explicit confirmation (delete, role change,
 * ship, cancel). The answer (or the error) is announced where the button was.
 */
export function ConfirmAction({
  label,
  question,
  confirmLabel,
  action,
  danger = false,
}: {
  label: string;
  question: string;
  confirmLabel: string;
  action: () => Promise<ActionResult>;
  danger?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  const [result, run, pending] = useActionState<ActionResult>(async () => {
    const answer = await action();
    setAsking(false);
    return answer;
  }, {});
  const questionId = useId();
  return (
    <div className="inline-flex flex-col items-start gap-2">
      {asking ? (
        <div role="group" aria-labelledby={questionId} className="rounded-md border border-slate-300 bg-slate-50 p-3">
          <p id={questionId} className="text-sm font-medium text-slate-900">
            {question}
          </p>
          <div className="mt-2 flex flex-wrap gap-2">
            <form action={run}>
              <button
                type="submit"
                disabled={pending}
                className={danger ? "btn bg-red-700 text-white hover:bg-red-800" : "btn-primary"}
              >
                {pending ? "Working…" : confirmLabel}
              </button>
            </form>
            <button type="button" className="btn-secondary" onClick={() => setAsking(false)} disabled={pending}>
              Keep as is
            </button>
          </div>
        </div>
      ) : (
        <button
          type="button"
          className={danger ? "btn border border-red-700 bg-white text-red-800 hover:bg-red-50" : "btn-secondary"}
          onClick={() => setAsking(true)}
        >
          {label}
        </button>
      )}
      {result.error ? (
        <p role="alert" className="text-sm text-red-800">
          {result.error}
        </p>
      ) : result.ok ? (
        <p role="status" className="text-sm text-emerald-800">
          {result.ok}
        </p>
      ) : null}
    </div>
  );
}
