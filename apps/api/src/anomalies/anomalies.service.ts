import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '@him/contracts';
import { AnomalyRepository, type AnomalyRecord, type Severity } from '@him/db';
import { mapAnomaly, type AnomalyAcknowledgeDto, type AnomalyPageDto, type AnomalyResponseDto, type AnomalySearchDto } from './anomalies.dto';
import { ProcessNames } from './process-names';

@Injectable()
export class AnomaliesService {
  constructor(
    private readonly anomalies: AnomalyRepository,
    private readonly names: ProcessNames,
  ) {}

  async list(q: AnomalySearchDto): Promise<AnomalyPageDto> {
    const equipmentId = q.equipment === undefined ? undefined : await this.names.equipmentId(q.equipment);
    const lotId = q.lot_code === undefined ? undefined : await this.names.lotId(q.lot_code);
    const page = await this.anomalies.findPage(
      { equipmentId, lotId, from: q.from, to: q.to, severity: q.severity as Severity | undefined, acknowledged: q.acknowledged },
      q.limit,
      q.offset,
    );
    return { items: await this.map(page.items), total: page.total };
  }

  /** The first acknowledgement stands: acknowledging again is a conflict that names who did it first. */
  async acknowledge(id: number, body: AnomalyAcknowledgeDto, by: string): Promise<AnomalyResponseDto> {
    const acknowledged = await this.anomalies.acknowledge(id, { by, at: new Date(), note: body.note });
    const anomaly = await this.anomalies.findById(id);
    if (!anomaly) throw new NotFoundError(`no anomaly ${id}`);
    if (!acknowledged) {
      throw new ConflictError(`anomaly ${id} was acknowledged by ${anomaly.acknowledgedBy} at ${anomaly.acknowledgedAt?.toISOString()}; the first acknowledgement stands`);
    }
    const [mapped] = await this.map([anomaly]);
    return mapped;
  }

  private async map(rows: AnomalyRecord[]): Promise<AnomalyResponseDto[]> {
    const { equipment, lots } = await this.names.namesOf(rows);
    return rows.map((a) => mapAnomaly(a, equipment.get(a.equipmentId) ?? String(a.equipmentId), a.lotId === undefined ? null : (lots.get(a.lotId) ?? null)));
  }
}
