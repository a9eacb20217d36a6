// The dashboard's only backend is the public HTTP API (/api/v1), called with the key the user entered.
// The key lives in sessionStorage: gone when the tab closes, never in a URL.

const BASE = '/api/v1';
const KEY_STORAGE = 'him-mes.api-key';

export type Role = 'viewer' | 'operator' | 'admin';
export interface Principal {
  name: string;
  role: Role;
  prefix: string;
}

/** The API's one error shape, as it words it. */
export interface ApiErrorBody {
  status: number;
  code: string;
  message: string;
  details?: { field?: string; message: string; line?: number; reason?: string; [key: string]: unknown }[];
  request_id?: string;
}

export class ApiError extends Error {
  constructor(readonly body: ApiErrorBody) {
    super(body.message);
  }
  get status(): number {
    return this.body.status;
  }
}

export const storedKey = (): string | null => sessionStorage.getItem(KEY_STORAGE);
export const storeKey = (key: string): void => sessionStorage.setItem(KEY_STORAGE, key);
export const forgetKey = (): void => sessionStorage.removeItem(KEY_STORAGE);

/** Called when the API refuses the key (401): the app returns to the key screen. */
let onUnauthenticated: (message: string) => void = () => undefined;
export function whenUnauthenticated(handler: (message: string) => void): void {
  onUnauthenticated = handler;
}

export type Query = Record<string, string | number | boolean | undefined | null | (string | number)[]>;

export function queryString(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    for (const v of Array.isArray(value) ? value : [value]) params.append(name, String(v));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

async function request(method: string, path: string, init: { query?: Query; body?: unknown; form?: FormData; key?: string } = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  const key = init.key ?? storedKey();
  if (key) headers['x-api-key'] = key;
  let body: BodyInit | undefined;
  if (init.form) body = init.form;
  else if (init.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.body);
  }
  let res: Response;
  try {
    res = await fetch(`${BASE}${path}${queryString(init.query)}`, { method, headers, body });
  } catch {
    throw new ApiError({ status: 0, code: 'NETWORK', message: 'The API cannot be reached' });
  }
  if (res.ok) return res;
  let error: ApiErrorBody;
  try {
    error = (await res.json()) as ApiErrorBody;
  } catch {
    error = { status: res.status, code: 'HTTP_ERROR', message: `${res.status} ${res.statusText}` };
  }
  if (res.status === 401 && init.key === undefined) onUnauthenticated(error.message);
  throw new ApiError(error);
}

export const api = {
  async get<T>(path: string, query?: Query): Promise<T> {
    return (await request('GET', path, { query })).json() as Promise<T>;
  },
  async post<T>(path: string, body: unknown = {}): Promise<T> {
    return (await request('POST', path, { body })).json() as Promise<T>;
  },
  async patch<T>(path: string, body: unknown): Promise<T> {
    return (await request('PATCH', path, { body })).json() as Promise<T>;
  },
  async upload<T>(path: string, form: FormData): Promise<T> {
    return (await request('POST', path, { form })).json() as Promise<T>;
  },
  /** A file answer (report download): its bytes and the name the API gave it. */
  async download(path: string, query?: Query): Promise<{ blob: Blob; fileName: string }> {
    const res = await request('GET', path, { query });
    const disposition = res.headers.get('content-disposition') ?? '';
    const fileName = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'download';
    return { blob: await res.blob(), fileName };
  },
  /** Who a key belongs to and what it may do; used by the key screen before the key is stored. */
  async whoAmI(key?: string): Promise<Principal> {
    return (await request('GET', '/api-keys/me', { key })).json() as Promise<Principal>;
  },
};
