"use client";

import { useState } from "react";

/** The catalog's filters: always shown on wide screens, behind a button on phones. */
export function FiltersDisclosure({ active, children }: { active: number; children: React.ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <div>
      <button
        type="button"
        className="btn-secondary w-full md:hidden"
        aria-expanded={open}
        aria-controls="catalog-filters"
        onClick={() => setOpen(!open)}
      >
        {open ? "Hide filters" : "Show filters"}
        {active > 0 ? ` (${active} on)` : ""}
      </button>
      <div id="catalog-filters" className={`${open ? "mt-4 block" : "hidden"} md:mt-0 md:block`}>
        {children}
      </div>
    </div>
  );
}
