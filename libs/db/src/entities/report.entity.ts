import { Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { JsonColumn } from '../json-column.type';

export enum ReportStatus {
  Pending = 'pending',
  Running = 'running',
  Ready = 'ready',
  Failed = 'failed',
}

export interface ReportFile {
  format: 'xlsx' | 'pdf';
  path: string;
  bytes: number;
  sha256: string;
}

/** A generated KPI report; files live in the blob store, described here with their checksums. */
@Entity({ tableName: 'report' })
@Index({ name: 'ix_report_created', properties: ['createdAt'] })
export class Report {
  [OptionalProps]?: 'status' | 'createdAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 100 })
  title!: string;

  @Enum({ items: () => ReportStatus })
  status: ReportStatus = ReportStatus.Pending;

  @Property({ type: 'date' })
  periodFrom!: string;

  @Property({ type: 'date' })
  periodTo!: string;

  @Property({ type: JsonColumn })
  params!: Record<string, unknown>;

  @Property({ type: JsonColumn, nullable: true })
  files?: ReportFile[];

  /** The data actually covered (first/last timestamps) and the model versions the figures came from. */
  @Property({ type: JsonColumn, nullable: true })
  dataWindow?: { from: string | null; to: string | null };

  @Property({ type: JsonColumn, nullable: true })
  modelVersions?: Record<string, string>;

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
}
