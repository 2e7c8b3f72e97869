"use client";

import { useEffect } from "react";

import { dismissNotice } from "@/lib/actions/notice";

import { Notice } from "./States";

/** A one-time message (from the last action); shown once, then forgotten. */
export function NoticeBanner({ lines }: { lines: string[] }) {
  useEffect(() => {
    if (lines.length > 0) void dismissNotice();
  }, [lines]);
  return <Notice lines={lines} />;
}
