import { useCallback, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { api, ApiError } from './api';

export interface Loaded<T> {
  data?: T;
  error?: ApiError;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads with `load` whenever `deps` change (and every `pollMs` when given). An answer that arrives after newer deps
 * is dropped, so a quick filter change never shows the older data.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[], pollMs?: number): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const generation = useRef(0);
  useEffect(() => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => mine === generation.current && setState({ data, loading: false }),
      (error: unknown) => mine === generation.current && setState((s) => ({ data: s.data, error: asApiError(error), loading: false })),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller names what the load depends on
  }, [...deps, tick]);
  useEffect(() => {
    if (!pollMs) return;
    const timer = setInterval(() => setTick((t) => t + 1), pollMs);
    return () => clearInterval(timer);
  }, [pollMs]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError({ status: 0, code: 'CLIENT_ERROR', message: error instanceof Error ? error.message : String(error) });
}

/** Runs one write (a button's action) and keeps its error to show. */
export function useAction<A extends unknown[], T>(action: (...args: A) => Promise<T>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const run = useCallback(
    async (...args: A): Promise<T | undefined> => {
      setBusy(true);
      setError(undefined);
      try {
        return await action(...args);
      } catch (err) {
        setError(asApiError(err));
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [action],
  );
  return { run, busy, error };
}

/** Acknowledges an anomaly (operators), then `then` (a list reloads); the error, if any, as the API words it. */
export function useAcknowledge(then: () => void) {
  return useAction(
    useCallback(
      async (id: number) => {
        await api.patch(`/anomalies/${id}`, { acknowledged: true });
        then();
      },
      [then],
    ),
  );
}

export const FILTERS = ['machine', 'sensor', 'from', 'to', 'fault', 'lot', 'tag', 'capture', 'type', 'status'] as const;
export type Filter = (typeof FILTERS)[number];

/** Filters live in the URL, so a view can be shared as a link. */
export function useFilters(): [Partial<Record<Filter, string>>, (changes: Partial<Record<Filter, string | undefined>>) => void] {
  const [params, setParams] = useSearchParams();
  const filters: Partial<Record<Filter, string>> = {};
  for (const name of FILTERS) {
    const value = params.get(name);
    if (value) filters[name] = value;
  }
  const set = useCallback(
    (changes: Partial<Record<Filter, string | undefined>>) =>
      setParams((current) => {
        const next = new URLSearchParams(current);
        for (const [name, value] of Object.entries(changes)) {
          if (value === undefined || value === '') next.delete(name);
          else next.set(name, value);
        }
        return next;
      }),
    [setParams],
  );
  return [filters, set];
}
