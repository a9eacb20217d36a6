export type ColumnType = 'number' | 'text' | 'datetime';

/** A table rows are bulk-loaded into: per-row columns, plus columns that hold one value for the whole chunk. */
export interface BulkTable {
  table: string;
  columns: { name: string; type: ColumnType }[];
  constants: { name: string; type: ColumnType; value: string | number }[];
}
