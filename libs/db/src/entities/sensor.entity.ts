import { Entity, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Equipment } from './equipment.entity';

/** A vibration sensor on a machine, or a process tag source. */
@Entity({ tableName: 'sensor' })
@Unique({ name: 'uq_sensor_equipment_no', properties: ['equipment', 'sensorNo'] })
export class Sensor {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => Equipment, { deleteRule: 'cascade' })
  equipment!: Equipment;

  @Property({ type: 'string', length: 20 })
  sensorNo!: string;

  /** Nominal sampling rate; each sensor of the rig samples slightly differently (≈1.3–1.4 kHz). */
  @Property({ type: 'double', nullable: true })
  samplingRateHz?: number;

  @Property({ type: 'string', length: 20, nullable: true })
  unit?: string;

  @Property({ type: 'string', length: 255, nullable: true })
  description?: string;
}
