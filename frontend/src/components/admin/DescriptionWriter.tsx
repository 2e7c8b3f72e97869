"use client";

import { useState, useTransition } from "react";

import { writeDescription } from "@/lib/admin/actions";
import { TONES } from "@/lib/admin/result";

/** "Write with AI": asks the recommendation service for a description from the name, category,
 * keywords and tone; the text lands in the description field, editable before saving. */
export function DescriptionWriter({
  name,
  category,
  onWritten,
}: {
  name: string;
  category: string;
  onWritten: (text: string) => void;
}) {
  const [keywords, setKeywords] = useState("");
  const [tone, setTone] = useState<string>("friendly");
  const [source, setSource] = useState<"gemini" | "local" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();

  const write = () =>
    start(async () => {
      setError(null);
      const result = await writeDescription({ name, category, keywords, tone });
      if (result.description) {
        onWritten(result.description);
        setSource(result.source ?? "local");
      } else {
        setError(result.error ?? "No description came back. Please try again.");
      }
    });

  return (
    <fieldset className="rounded-md border border-slate-300 bg-slate-50 p-3">
      <legend className="px-1 text-sm font-semibold text-slate-900">Write the description with AI</legend>
      <div className="grid gap-3 sm:grid-cols-[1fr_auto_auto] sm:items-end">
        <div>
          <label htmlFor="ai-keywords" className="label">
            Keywords (comma separated)
          </label>
          <input
            id="ai-keywords"
            className="input"
            value={keywords}
            onChange={(e) => setKeywords(e.target.value)}
            placeholder="oak, handmade, stackable"
          />
        </div>
        <div>
          <label htmlFor="ai-tone" className="label">
            Tone
          </label>
          <select id="ai-tone" className="input" value={tone} onChange={(e) => setTone(e.target.value)}>
            {TONES.map((t) => (
              <option key={t} value={t}>
                {t.charAt(0).toUpperCase() + t.slice(1)}
              </option>
            ))}
          </select>
        </div>
        <button type="button" className="btn-primary" onClick={write} disabled={pending}>
          {pending ? "Writing…" : "Write with AI"}
        </button>
      </div>
      <div aria-live="polite" className="mt-2 text-sm">
        {error ? <p className="text-red-800">{error}</p> : null}
        {source && !pending && !error ? (
          <p className="text-slate-800" data-testid="ai-source">
            {source === "gemini"
              ? "Written by Gemini. Read it and edit it before saving."
              : "Written by the local writer (Gemini is not in use). Read it and edit it before saving."}
          </p>
        ) : null}
      </div>
    </fieldset>
  );
}
