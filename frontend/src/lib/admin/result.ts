import type { FieldErrors } from "./product-form";

/** What an admin action answers the form that called it. */
export type ActionResult = { ok?: string; error?: string; fields?: FieldErrors };

export const NOT_ADMIN: ActionResult = {
  error: "Your admin session has ended. Log in again as an admin.",
};
export const UNREACHABLE: ActionResult = {
  error: "The shop's services are not answering right now. Please try again in a moment.",
};

export const TONES = ["friendly", "professional", "playful", "luxurious", "minimal"] as const;
export type Tone = (typeof TONES)[number];
