import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@him/contracts';
import { CaptureRepository, EquipmentRepository, KpiRepository, LotRepository, VibrationDiagnosisRepository } from '@him/db';
import { mapEquipment, mapLatestDiagnosis, type EquipmentDetailDto, type EquipmentPageDto, type EquipmentSearchDto } from './equipment.dto';

@Injectable()
export class EquipmentService {
  constructor(
    private readonly equipment: EquipmentRepository,
    private readonly lots: LotRepository,
    private readonly captures: CaptureRepository,
    private readonly diagnoses: VibrationDiagnosisRepository,
    private readonly kpis: KpiRepository,
  ) {}

  async list(q: EquipmentSearchDto): Promise<EquipmentPageDto> {
    const page = await this.equipment.findEquipmentPage({ kind: q.kind }, q.limit, q.offset);
    const lotCounts = await this.lots.countLotsByEquipment(page.items.map((e) => e.id));
    return { items: page.items.map((e) => mapEquipment(e, lotCounts.get(e.id) ?? 0)), total: page.total };
  }

  async get(name: string): Promise<EquipmentDetailDto> {
    const found = await this.equipment.findEquipmentByCode(name);
    if (!found) throw new NotFoundError(`equipment ${name} not found`);
    const [lotCounts, captureCounts, latest, score] = await Promise.all([
      this.lots.countLotsByEquipment([found.id]),
      this.captures.countCapturesBySensor(found.code),
      this.diagnoses.findLatestCaptureDiagnosis(found.code),
      this.kpis.findLatestScore(found.id),
    ]);
    const summary = mapEquipment(found, lotCounts.get(found.id) ?? 0);
    return {
      ...summary,
      sensors: summary.sensors.map((s) => ({ ...s, capture_count: captureCounts.get(s.sensor_no) ?? 0 })),
      latest_diagnosis: latest ? mapLatestDiagnosis(latest) : null,
      health: score ? { day: score.day, health_score: score.healthScore } : null,
    };
  }
}
