import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@him/contracts';
import { CaptureRepository, EquipmentRepository, LotRepository, VibrationDiagnosisRepository } from '@him/db';
import { mapEquipment, mapLatestDiagnosis, type EquipmentDetailDto, type EquipmentPageDto, type EquipmentSearchDto } from './equipment.dto';

@Injectable()
export class EquipmentService {
  constructor(
    private readonly equipment: EquipmentRepository,
    private readonly lots: LotRepository,
    private readonly captures: CaptureRepository,
    private readonly diagnoses: VibrationDiagnosisRepository,
  ) {}

  async list(q: EquipmentSearchDto): Promise<EquipmentPageDto> {
    const page = await this.equipment.findEquipmentPage({ kind: q.kind }, q.limit, q.offset);
    const lotCounts = await this.lots.countLotsByEquipment(page.items.map((e) => e.id));
    return { items: page.items.map((e) => mapEquipment(e, lotCounts.get(e.id) ?? 0)), total: page.total };
  }

  async get(name: string): Promise<EquipmentDetailDto> {
    const found = await this.equipment.findEquipmentByCode(name);
    if (!found) throw new NotFoundError(`equipment ${name} not found`);
    const [lotCounts, captureCounts, latest] = await Promise.all([
      this.lots.countLotsByEquipment([found.id]),
      this.captures.countCapturesBySensor(found.code),
      this.diagnoses.findLatestCaptureDiagnosis(found.code),
    ]);
    const summary = mapEquipment(found, lotCounts.get(found.id) ?? 0);
    return {
      ...summary,
      sensors: summary.sensors.map((s) => ({ ...s, capture_count: captureCounts.get(s.sensor_no) ?? 0 })),
      latest_diagnosis: latest ? mapLatestDiagnosis(latest) : null,
    };
  }
}
