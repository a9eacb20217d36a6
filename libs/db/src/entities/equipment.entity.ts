import { Entity, Enum, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';

export enum EquipmentKind {
  RotatingMachine = 'rotating_machine',
  Process = 'process',
}

/** A machine (g1…g5) or a process unit (TEP). `code` is the name the plant uses (machine_name). */
@Entity({ tableName: 'equipment' })
export class Equipment {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 50 })
  @Unique({ name: 'uq_equipment_code' })
  code!: string;

  @Property({ type: 'string', length: 100 })
  name!: string;

  @Enum({ items: () => EquipmentKind })
  kind!: EquipmentKind;

  @Property({ type: 'string', length: 100, nullable: true })
  location?: string;

  @Property({ type: 'date', nullable: true })
  installedAt?: string;

  @Property({ type: 'datetime', length: 3, onCreate: () => new Date() })
  createdAt: Date = new Date();
}
