"use client";

import { useTransition } from "react";

import { logout } from "@/lib/actions/auth";

/**
 * Logs out at the API, then loads the login page afresh: the page's memory (and the client
 * router's cache of account pages) goes with it, so the back button has nothing to show.
 */
export function LogoutButton({ className }: { className?: string }) {
  const [pending, startTransition] = useTransition();
  return (
    <button
      type="button"
      className={className}
      disabled={pending}
      onClick={() =>
        startTransition(async () => {
          await logout();
          // A full page load on purpose: nothing of the account may stay in memory.
          // eslint-disable-next-line @next/next/no-location-assign-relative-destination
          window.location.assign("/login?logged_out=1");
        })
      }
    >
      {pending ? "Logging out…" : "Log out"}
    </button>
  );
}
