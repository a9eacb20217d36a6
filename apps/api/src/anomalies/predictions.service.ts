import { Injectable } from '@nestjs/common';
import { PredictionRepository } from '@him/db';
import { mapPrediction, type PredictionPageDto, type PredictionSearchDto } from './predictions.dto';
import { ProcessNames } from './process-names';

@Injectable()
export class PredictionsService {
  constructor(
    private readonly predictions: PredictionRepository,
    private readonly names: ProcessNames,
  ) {}

  async list(q: PredictionSearchDto): Promise<PredictionPageDto> {
    const lotId = q.lot_code === undefined ? undefined : await this.names.lotId(q.lot_code);
    const page = await this.predictions.findPage({ lotId, jobId: q.job_id, tag: q.tag, from: q.from, to: q.to }, q.limit, q.offset);
    const { equipment, lots } = await this.names.namesOf(page.items);
    return {
      items: page.items.map((p) => mapPrediction(p, equipment.get(p.equipmentId) ?? String(p.equipmentId), p.lotId === undefined ? null : (lots.get(p.lotId) ?? null))),
      total: page.total,
    };
  }
}
