import { BigIntType, Entity, Index, PrimaryKey, Property, Unique } from '@mikro-orm/core';

/** Process time series: one tag's value at one time within a lot (TEP XMEAS/XMV). */
@Entity({ tableName: 'process_value' })
@Unique({ name: 'uq_process_value_lot_tag_time', properties: ['lotId', 'tag', 'measuredAt'] })
@Index({ name: 'ix_process_value_equipment_tag_time', properties: ['equipmentId', 'tag', 'measuredAt'] })
// Covers a tag's series (value included): a chart of 190 k values reads one index range instead of a row per value.
@Index({ name: 'ix_process_value_lot_tag_time_value', properties: ['lotId', 'tag', 'measuredAt', 'value'] })
export class ProcessValue {
  @PrimaryKey({ type: new BigIntType('number'), autoincrement: true })
  id!: number;

  @Property({ type: 'integer' })
  equipmentId!: number;

  @Property({ type: 'integer' })
  lotId!: number;

  @Property({ type: 'string', length: 32 })
  tag!: string;

  @Property({ type: 'datetime', length: 3 })
  measuredAt!: Date;

  @Property({ type: 'double' })
  value!: number;
}
