/** The value of a call to the gateway, or null when it failed in any way (for page sections
 * that show their own friendly message instead). */
export async function safely<T>(call: () => Promise<T | null | undefined>): Promise<T | null> {
  try {
    return (await call()) ?? null;
  } catch {
    return null;
  }
}
