/**
 * One piece of work at a time across the storefront's worker processes (scripts/server.cjs):
 * the first worker to ask for a key leads and does the work, the others wait for its answer,
 * which the primary process remembers for a while. Used for refresh-token exchanges, where a
 * second exchange of the same token would end the shopper's session.
 */

export type Turn = { lead: true } | { lead: false; value: unknown };

type Answer = { type: "flight:answer"; id: number; lead: boolean; value?: unknown };

/** How long a worker waits for the primary before it does the work itself. */
const WAIT_MS = 15_000;

const waiting = new Map<number, (turn: Turn) => void>();
let lastId = 0;
let listening = false;

/** True in a worker started by scripts/server.cjs (which always serves from workers). */
export function sharedAcrossWorkers(): boolean {
  return process.env.STOREFRONT_WORKER === "1" && typeof process.send === "function";
}

function onMessage(message: unknown) {
  const answer = message as Partial<Answer> | null;
  if (answer?.type !== "flight:answer" || typeof answer.id !== "number") return;
  const resolve = waiting.get(answer.id);
  waiting.delete(answer.id);
  resolve?.(answer.lead ? { lead: true } : { lead: false, value: answer.value });
}

export function joinFlight(key: string): Promise<Turn> {
  if (!listening) {
    process.on("message", onMessage);
    listening = true;
  }
  const id = ++lastId;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      if (waiting.delete(id)) resolve({ lead: true });
    }, WAIT_MS);
    timer.unref();
    waiting.set(id, (turn) => {
      clearTimeout(timer);
      resolve(turn);
    });
    process.send?.({ type: "flight:join", id, key });
  });
}

/** The leader's answer: given to the waiting workers, and kept for `keepMs` (0: not kept). */
export function settleFlight(key: string, value: unknown, keepMs: number): void {
  process.send?.({ type: "flight:settle", key, value, keepMs });
}
