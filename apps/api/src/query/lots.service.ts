import { Injectable } from '@nestjs/common';
import { AppConfig } from '@him/config';
import { InvalidInputError, NotFoundError } from '@him/contracts';
import { EquipmentRepository, LotRepository, ProcessValueRepository } from '@him/db';
import { envelopeBucketCount, envelopePoints } from './downsample';
import { mapLot, type LotDetailDto, type LotPageDto, type LotSearchDto, type TimeseriesDto, type TimeseriesQueryDto } from './lots.dto';

const DAY_MS = 86_400_000;

@Injectable()
export class LotsService {
  constructor(
    private readonly lots: LotRepository,
    private readonly processValues: ProcessValueRepository,
    private readonly equipment: EquipmentRepository,
    private readonly config: AppConfig,
  ) {}

  /** In code order; a process unit that does not exist is a 404, not an empty page. */
  async list(q: LotSearchDto): Promise<LotPageDto> {
    if (q.equipment !== undefined && (await this.equipment.findIdByCode(q.equipment)) === null) {
      throw new NotFoundError(`no equipment ${q.equipment}`, [{ field: 'equipment', message: `no equipment ${q.equipment}` }]);
    }
    const page = await this.lots.findLotPage({ equipmentCode: q.equipment, status: q.status }, q.limit, q.offset);
    const samples = await this.processValues.countObservations(page.items.map((l) => l.id));
    return { items: page.items.map((l) => mapLot(l, samples.get(l.id) ?? 0)), total: page.total };
  }

  async get(code: string): Promise<LotDetailDto> {
    const lot = await this.lots.findLotByCode(code);
    if (!lot) throw new NotFoundError(`lot ${code} not found`);
    const [samples, tags] = await Promise.all([this.processValues.countObservations([lot.id]), this.processValues.findLotTags(lot.id)]);
    return { ...mapLot(lot, samples.get(lot.id) ?? 0), tags };
  }

  /**
   * One tag of one lot over [from, to] (by default all of it): every value when there are no more than `points`, else
   * each bucket's minimum and maximum as the database aggregates them (envelopePoints).
   */
  async timeseries(q: TimeseriesQueryDto): Promise<TimeseriesDto> {
    const lot = await this.lots.findLotByCode(q.lot);
    if (!lot) throw new NotFoundError(`lot ${q.lot} not found`, [{ field: 'lot', message: `no lot ${q.lot}` }]);
    const span = await this.processValues.findTagSpan(lot.id, q.tag);
    if (!span) throw new NotFoundError(`lot ${q.lot} has no values of tag ${q.tag}`, [{ field: 'tag', message: `no tag ${q.tag} in lot ${q.lot}` }]);
    // An explicit from after to is refused by validation; a default bound never crosses the other one.
    const to = q.to ?? new Date(Math.max(span.last.getTime(), q.from?.getTime() ?? 0));
    const from = q.from ?? new Date(Math.min(span.first.getTime(), to.getTime()));
    const maxDays = this.config.queryMaxRangeDays;
    if (to.getTime() - from.getTime() > maxDays * DAY_MS) {
      const message = `the range ${from.toISOString()} – ${to.toISOString()} is longer than QUERY_MAX_RANGE_DAYS (${maxDays} days): narrow from/to`;
      throw new InvalidInputError(message, [{ field: 'to', message }]);
    }
    const range = { lot: lot.code, tag: q.tag, from: from.toISOString(), to: to.toISOString() };
    const [head, inRange] = await Promise.all([
      this.processValues.readTagSeries(lot.id, q.tag, from, to, q.points + 1),
      q.from || q.to ? this.processValues.findTagSpan(lot.id, q.tag, from, to) : span,
    ]);
    if (!inRange || head.values.length <= q.points) {
      const all = Array.from(head.values.keys());
      const values = { measured_at: all.map((i) => head.measuredAt(i).toISOString()), value: Array.from(head.values) };
      return { ...range, source_points: head.values.length, points: head.values.length, ...values };
    }
    const buckets = await this.processValues.readTagEnvelope(lot.id, q.tag, inRange, envelopeBucketCount(q.points));
    const chart = envelopePoints(buckets);
    return {
      ...range,
      source_points: buckets.reduce((sum, b) => sum + b.count, 0),
      points: chart.time.length,
      measured_at: chart.time.map((ms) => new Date(ms).toISOString()),
      value: chart.value,
    };
  }
}
