/** Reading the gateway's error body (`{"error": {code, message, details}}`) safely. */

export type ErrorInfo = { status: number; code: string; message: string; details: unknown[] };

export function errorInfo(status: number, body: unknown): ErrorInfo {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } })
    ?.error;
  return {
    status,
    code: typeof error?.code === "string" ? error.code : `http_${status}`,
    message:
      typeof error?.message === "string" ? error.message : "Something went wrong. Please try again.",
    details: Array.isArray(error?.details) ? error.details : [],
  };
}

/** A thrown gateway failure (network error or timeout): the service is unreachable. */
export function unreachable(): ErrorInfo {
  return {
    status: 503,
    code: "unreachable",
    message: "This part of the shop is not answering right now. Please try again in a moment.",
    details: [],
  };
}
