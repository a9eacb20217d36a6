import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@him/contracts';
import { EquipmentRepository, LotRepository } from '@him/db';

/** Equipment and lots by the names the API speaks (equipment code, lot code) and back. */
@Injectable()
export class ProcessNames {
  constructor(
    private readonly equipment: EquipmentRepository,
    private readonly lots: LotRepository,
  ) {}

  async equipmentId(name: string): Promise<number> {
    const id = await this.equipment.findIdByCode(name);
    if (id === null) throw new NotFoundError(`no equipment ${name}`);
    return id;
  }

  async lotId(code: string): Promise<number> {
    const lot = await this.lots.findByCode(code);
    if (!lot) throw new NotFoundError(`no lot ${code}`);
    return lot.id;
  }

  /** The names of the equipment and lots these rows belong to, each looked up once. */
  async namesOf(rows: readonly { equipmentId: number; lotId?: number }[]): Promise<{ equipment: Map<number, string>; lots: Map<number, string> }> {
    const [equipment, lots] = await Promise.all([
      this.equipment.findCodes(rows.map((r) => r.equipmentId)),
      this.lots.findCodes(rows.flatMap((r) => (r.lotId === undefined ? [] : [r.lotId]))),
    ]);
    return { equipment, lots };
  }
}
