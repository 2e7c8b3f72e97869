"use server";

import { cookies } from "next/headers";

import { NOTICE_COOKIE } from "@/lib/cookies";

export async function dismissNotice(): Promise<void> {
  (await cookies()).delete(NOTICE_COOKIE);
}
