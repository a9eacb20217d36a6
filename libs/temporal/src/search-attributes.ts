import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '@him/contracts';

const GRPC_ALREADY_EXISTS = 6;

/**
 * Registers our custom search attributes on the namespace (idempotent), so a plain dev server or a
 * fresh production cluster needs no manual `temporal operator` step.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const wanted = Object.values(SEARCH_ATTRIBUTES);
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const missing = wanted.filter((k) => !customAttributes || !(k.name in customAttributes));
  if (missing.length === 0) return;
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((k) => [k.name, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
    });
  } catch (err) {
    // Another process registered them first.
    if ((err as { code?: number }).code !== GRPC_ALREADY_EXISTS) throw err;
  }
}

/**
 * Arguments of `temporal server start-dev` on 127.0.0.1:`port` with our search attributes (keywords, as above) for the
 * benches and tests that run a dev server of their own; `extra` adds options such as `--db-filename`.
 */
export function devServerArgs(port: number, extra: readonly string[] = []): string[] {
  const attributes = Object.values(SEARCH_ATTRIBUTES).flatMap((k) => ['--search-attribute', `${k.name}=Keyword`]);
  return ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'error', ...extra, ...attributes];
}
