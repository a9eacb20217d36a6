import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Equipment } from './equipment.entity';

export enum LotStatus {
  Open = 'open',
  Closed = 'closed',
}

/** A production run of a process unit (one TEP file is one lot; its code is the file stem). */
@Entity({ tableName: 'lot' })
export class Lot {
  [OptionalProps]?: 'status' | 'createdAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 64 })
  @Unique({ name: 'uq_lot_code' })
  code!: string;

  @ManyToOne(() => Equipment)
  equipment!: Equipment;

  @Property({ type: 'datetime', length: 3 })
  startedAt!: Date;

  @Property({ type: 'datetime', length: 3, nullable: true })
  endedAt?: Date;

  @Enum({ items: () => LotStatus })
  status: LotStatus = LotStatus.Open;

  /** Known disturbance of a benchmark run (TEP IDV number), when there is one. */
  @Property({ type: 'integer', nullable: true })
  faultLabel?: number;

  @Property({ type: 'datetime', length: 3, onCreate: () => new Date() })
  createdAt: Date = new Date();
}
