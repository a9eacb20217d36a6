// The body of a workbook thread (piscina loads this file in each thread of workbook-threads.ts): it reads the rows a
// report lists on a database connection of its own and writes the workbook, so neither the rows nor the writing touch
// the worker's main thread (which draws the PDF meanwhile).
import type { ReportDocument, ReportRowSources } from './report-document';
import { writeHashedFile, type StoredFile } from './report-store';
import type { RowSource } from './workbook-threads';
import { writeReportWorkbook } from './xlsx/report-workbook';

/** Rows per page read: a few MB each. */
const PAGE_ROWS = 5000;
const TABLES = ['diagnoses', 'anomalies', 'predictions', 'ingests'] as const;
type Table = (typeof TABLES)[number];

export interface WorkbookTask {
  document: ReportDocument;
  /** Where to write (a temporary name: the main thread publishes it). */
  file: string;
  source: RowSource;
  /** What the report covers, and the last id of each table it lists (rows written since stay out). */
  scope: unknown;
  maxIds: Record<Table, number>;
}

/** What the source module exports (`openReportRowReader` of @him/db, loaded by path: this lib knows no database). */
interface RowReader {
  page(table: Table, scope: unknown, page: { afterId: number; maxId: number; limit: number }): Promise<{ id: number }[]>;
}
interface RowReaderModule {
  openReportRowReader(options: unknown): RowReader;
}

// One reader per thread, opened at its first workbook and kept while the thread lives; one that failed is opened again.
let reader: Promise<RowReader> | undefined;
function readerOf(source: RowSource): Promise<RowReader> {
  const opened = (reader ??= import(source.module).then((m: RowReaderModule) => m.openReportRowReader(source.options)));
  opened.catch(() => (reader = undefined));
  return opened;
}

/** A table in id order up to its bound, the next page's read under way while the workbook writes the current one. */
function pagesOf(rows: RowReader, table: Table, scope: unknown, maxId: number): () => AsyncIterable<unknown[]> {
  return async function* () {
    let next = rows.page(table, scope, { afterId: 0, maxId, limit: PAGE_ROWS });
    for (;;) {
      const page = await next;
      if (page.length === 0) return;
      next = rows.page(table, scope, { afterId: page[page.length - 1].id, maxId, limit: PAGE_ROWS });
      yield page;
    }
  };
}

export default async function writeWorkbookFile({ document, file, source, scope, maxIds }: WorkbookTask): Promise<StoredFile> {
  const rows = await readerOf(source);
  const sources = Object.fromEntries(TABLES.map((table) => [table, pagesOf(rows, table, scope, maxIds[table])])) as unknown as ReportRowSources;
  return writeHashedFile(file, (out) => writeReportWorkbook(document, sources, out));
}
