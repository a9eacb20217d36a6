import { Entity, Enum, Index, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { JsonColumn } from '../json-column.type';

export enum IngestKind {
  Vibration = 'vibration',
  Capture = 'capture',
  Tep = 'tep',
}

export enum IngestStatus {
  Running = 'running',
  Succeeded = 'succeeded',
  Rejected = 'rejected',
  Failed = 'failed',
}

/** The ingest ledger: one row per distinct file content; it reconciles read = inserted + duplicate + rejected. */
@Entity({ tableName: 'ingest' })
@Unique({ name: 'uq_ingest_checksum', properties: ['checksum'] })
@Index({ name: 'ix_ingest_started', properties: ['startedAt'] })
export class Ingest {
  [OptionalProps]?: 'status' | 'rowsRead' | 'rowsInserted' | 'rowsDuplicate' | 'rowsRejected' | 'startedAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** SHA-256 of the file content, hex. */
  @Property({ type: 'string', length: 64 })
  checksum!: string;

  @Property({ type: 'string', length: 255 })
  fileName!: string;

  @Enum({ items: () => IngestKind })
  kind!: IngestKind;

  @Property({ type: 'bigint' })
  bytes!: string;

  @Enum({ items: () => IngestStatus })
  status: IngestStatus = IngestStatus.Running;

  @Property({ type: 'integer', default: 0 })
  rowsRead: number = 0;

  @Property({ type: 'integer', default: 0 })
  rowsInserted: number = 0;

  @Property({ type: 'integer', default: 0 })
  rowsDuplicate: number = 0;

  @Property({ type: 'integer', default: 0 })
  rowsRejected: number = 0;

  /** Options the file was ingested with (machine, sensor, collected_at, max_errors…). */
  @Property({ type: JsonColumn, nullable: true })
  params?: Record<string, unknown>;

  @Property({ type: 'text', nullable: true })
  error?: string;

  @Property({ type: 'string', length: 255 })
  workflowId!: string;

  @Property({ type: 'datetime', length: 3, onCreate: () => new Date() })
  startedAt: Date = new Date();

  @Property({ type: 'datetime', length: 3, nullable: true })
  finishedAt?: Date;
}

/** A line the ingest refused (only kept when an error budget let the good lines load). */
@Entity({ tableName: 'ingest_rejection' })
@Unique({ name: 'uq_ingest_rejection_line', properties: ['ingestId', 'lineNo'] })
export class IngestRejection {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'integer' })
  ingestId!: number;

  @Property({ type: 'integer' })
  lineNo!: number;

  @Property({ type: 'string', length: 255 })
  reason!: string;

  /** The start of the raw line, for the engineer who has to fix the file. */
  @Property({ type: 'string', length: 255, nullable: true })
  excerpt?: string;
}

/**
 * A chunk of a file committed in the same transaction as its rows. A retried chunk finds its row here and
 * reports the committed counts instead of loading again, so the ledger is exact even across crashes.
 */
@Entity({ tableName: 'ingest_chunk' })
@Unique({ name: 'uq_ingest_chunk_no', properties: ['ingestId', 'chunkNo'] })
export class IngestChunkEntry {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'integer' })
  ingestId!: number;

  @Property({ type: 'integer' })
  chunkNo!: number;

  @Property({ type: 'bigint' })
  byteStart!: string;

  @Property({ type: 'bigint' })
  byteEnd!: string;

  @Property({ type: 'integer' })
  rowsRead!: number;

  @Property({ type: 'integer' })
  rowsInserted!: number;

  @Property({ type: 'integer' })
  rowsDuplicate!: number;

  @Property({ type: 'integer' })
  rowsRejected!: number;

  @Property({ type: 'datetime', length: 3 })
  committedAt!: Date;
}
