"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";

const INTERVAL_MS = 1000;
const GIVE_UP_MS = 5 * 60_000;

/**
 * Follows a pending order until it is paid or cancelled, then refreshes the page (no reload)
 * so the status, timeline and reason show.
 */
export function OrderLive({ orderId, status }: { orderId: string; status: string }) {
  const router = useRouter();
  const [trouble, setTrouble] = useState(false);
  useEffect(() => {
    if (status !== "PENDING") return;
    let stopped = false;
    const started = Date.now();
    let timer: ReturnType<typeof setTimeout>;
    const poll = async () => {
      try {
        const resp = await fetch(`/bff/orders/${orderId}`, { cache: "no-store" });
        if (resp.ok) {
          const body = (await resp.json()) as { status?: string };
          setTrouble(false);
          if (body.status && body.status !== "PENDING") {
            router.refresh();
            return;
          }
        } else {
          setTrouble(true);
        }
      } catch {
        setTrouble(true);
      }
      if (!stopped && Date.now() - started < GIVE_UP_MS) timer = setTimeout(poll, INTERVAL_MS);
    };
    timer = setTimeout(poll, INTERVAL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [orderId, status, router]);
  if (status !== "PENDING") return null;
  return (
    <p role="status" className="flex items-center gap-2 text-sm text-slate-800">
      <span className="inline-block h-3 w-3 animate-pulse rounded-full bg-amber-500" aria-hidden="true" />
      {trouble
        ? "We lost touch with the order service for a moment; still checking…"
        : "Waiting for the payment to be confirmed…"}
    </p>
  );
}
