import type { Client } from '@temporalio/client';
import { DependencyUnavailableError } from '@him/contracts';

/** Upper bound for one API call's Temporal round trips, so a client hears "unavailable" in seconds, not after gRPC's retries. */
const RPC_DEADLINE_MS = 5000;

/**
 * "Temporal is not there right now": gRPC UNAVAILABLE or DEADLINE_EXCEEDED, a refused connection, a channel already shut
 * down. The client wraps these (a ServiceError "Failed to start Workflow" keeps the gRPC error as its cause), so the
 * whole cause chain is looked at.
 */
export function isTemporalUnavailable(err: unknown): boolean {
  let e = err as { code?: number; message?: string; cause?: unknown } | undefined;
  for (let depth = 0; e && depth < 8; depth++, e = e.cause as typeof e) {
    if (e.code === 14 || e.code === 4 || /UNAVAILABLE|ECONNREFUSED|DEADLINE_EXCEEDED|Failed to connect|Channel has been shut down/i.test(String(e.message))) return true;
  }
  return false;
}

/** Runs an API call's Temporal work under a deadline; "Temporal is down" becomes a 503 with a clear message instead of a 500. */
export async function callTemporal<T>(client: Client, address: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await client.withDeadline(Date.now() + RPC_DEADLINE_MS, fn);
  } catch (err) {
    if (isTemporalUnavailable(err)) throw new DependencyUnavailableError(`Temporal is not reachable at ${address}; try again shortly`);
    throw err;
  }
}
