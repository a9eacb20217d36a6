import { Entity, Enum, Index, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import type { ReportFormat, ReportParams } from '@him/contracts';
import { JsonColumn } from '../json-column.type';

export enum ReportStatus {
  Pending = 'pending',
  Running = 'running',
  Ready = 'ready',
  Failed = 'failed',
  /** Its files were deleted (retention or an admin); the row stays as the record of what was reported. */
  Purged = 'purged',
}

export interface ReportFile {
  format: ReportFormat;
  /** Relative to the blob store. */
  path: string;
  bytes: number;
  sha256: string;
}

/** A generated KPI report; files live in the blob store, described here with their checksums. */
@Entity({ tableName: 'report' })
@Index({ name: 'ix_report_created', properties: ['createdAt'] })
@Index({ name: 'ix_report_type_created', properties: ['type', 'createdAt'] })
@Unique({ name: 'uq_report_request', properties: ['requestKey'] })
export class Report {
  [OptionalProps]?: 'status' | 'createdAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  /** SHA-256 of the normalised request (ReportParams): the same request is the same report. */
  @Property({ type: 'string', length: 64 })
  requestKey!: string;

  @Property({ type: 'string', length: 16 })
  type!: string;

  @Property({ type: 'string', length: 100 })
  title!: string;

  @Enum({ items: () => ReportStatus })
  status: ReportStatus = ReportStatus.Pending;

  @Property({ type: 'date' })
  periodFrom!: string;

  @Property({ type: 'date' })
  periodTo!: string;

  @Property({ type: JsonColumn })
  params!: ReportParams;

  @Property({ type: JsonColumn, nullable: true })
  files?: ReportFile[];

  /** The data actually covered (first/last timestamps) and the model versions the figures came from. */
  @Property({ type: JsonColumn, nullable: true })
  dataWindow?: { from: string | null; to: string | null };

  @Property({ type: JsonColumn, nullable: true })
  modelVersions?: Record<string, string>;

  /** Rows of each table the report lists. */
  @Property({ type: JsonColumn, nullable: true })
  rowCounts?: Record<string, number>;

  /** SHA-256 of the report's data (window, counts, versions, KPI figures), printed in its files. */
  @Property({ type: 'string', length: 64, nullable: true })
  dataChecksum?: string;

  @Property({ type: 'string', length: 255, nullable: true })
  workflowId?: string;

  @Property({ type: 'text', nullable: true })
  error?: string;

  @Property({ type: 'string', length: 100, nullable: true })
  createdBy?: string;

  @Property({ type: 'datetime', length: 3, onCreate: () => new Date() })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', length: 3, nullable: true })
  finishedAt?: Date;

  @Property({ type: 'datetime', length: 3, nullable: true })
  purgedAt?: Date;
}
