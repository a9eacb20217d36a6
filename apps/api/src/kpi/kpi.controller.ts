import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HEALTH_CONFIDENCE_FLOOR, HEALTH_CONFIDENCE_WEIGHT, HEALTH_FAULT_RATE_WEIGHT, HEALTH_HALF_LIFE_DAYS, HEALTH_TREND_WEIGHT, HEALTH_WINDOW_DAYS } from '@him/contracts';
import { ApiErrorResponses, ApiKeyAuth } from '../common/api-errors';
import { EquipmentHealthDto, EquipmentNameParams, KpiLotPageDto, KpiLotSearchDto, KpiPageDto, KpiSearchDto } from './kpi.dto';
import { KpiService } from './kpi.service';

const HEALTH_FORMULA =
  `score = clamp(100 − ${HEALTH_FAULT_RATE_WEIGHT}·R − ${HEALTH_TREND_WEIGHT}·max(0, r₀ − R₁) − ${HEALTH_CONFIDENCE_WEIGHT}·max(0, ${HEALTH_CONFIDENCE_FLOOR} − c̄), 0, 100), where ` +
  `R is the window-level fault rate (non-normal windows / windows) of the last ${HEALTH_WINDOW_DAYS} days averaged with weights that halve every ` +
  `${HEALTH_HALF_LIFE_DAYS} day(s) (days without windows left out), r₀ the day's own rate, R₁ the weighted rate of the days before it (the trend term ` +
  `only penalises a rising rate), and c̄ the mean confidence of the day's capture-level diagnoses. A machine whose windows turn faulty falls below 60 ` +
  `within two days; one with ≤ 2 % misclassified windows stays above 90. See docs/KPI-AND-HEALTH.md.`;

@ApiTags('KPIs')
@ApiKeyAuth()
@Controller()
export class KpiController {
  constructor(private readonly kpis: KpiService) {}

  @Get('kpi')
  @ApiOperation({
    summary: 'KPIs per equipment and day, ISO week or month (from the KPI rollup)',
    description:
      'Rows of the KPI rollup (POST /api/v1/jobs/kpi-rollup, also run by the nightly sweep) for the days in [from, to]. Weeks and months add up ' +
      'their days: counts are summed and fault_rate is recomputed from the sums; mean_confidence is weighted by captures, mtbf_hours by ' +
      'episodes, mttr_hours by max(1, episodes); health_score is that of the period’s last scored day. Ordered by period, then equipment.',
  })
  @ApiOkResponse({ type: KpiPageDto })
  @ApiErrorResponses(
    [400, 'A day that is not YYYY-MM-DD, `from` after `to`, a range longer than KPI_MAX_RANGE_DAYS, or an unknown granularity'],
    [404, 'No equipment with that name'],
  )
  list(@Query() q: KpiSearchDto): Promise<KpiPageDto> {
    return this.kpis.list(q);
  }

  @Get('kpi/lots')
  @ApiOperation({
    summary: 'KPIs per lot: samples, anomalies, yield, mean predicted fault probability, first alarm',
    description: 'Lots rolled up by the KPI rollup, newest lot first. yield = 1 − anomaly_rate; an observation flagged by several detectors counts once.',
  })
  @ApiOkResponse({ type: KpiLotPageDto })
  @ApiErrorResponses(400, [404, 'No lot with that code, or no equipment with that name'])
  lots(@Query() q: KpiLotSearchDto): Promise<KpiLotPageDto> {
    return this.kpis.lotKpis(q);
  }

  @Get('equipment/:name/health')
  @ApiOperation({
    summary: 'Health score of a machine: the latest score, its 30-day trend, the current fault and since when, and what drove the score',
    description: `The health score (0 failing … 100 healthy) is computed by the KPI rollup per machine and day: ${HEALTH_FORMULA}`,
  })
  @ApiOkResponse({ type: EquipmentHealthDto })
  @ApiErrorResponses(400, [404, 'No equipment with that name'])
  health(@Param() p: EquipmentNameParams): Promise<EquipmentHealthDto> {
    return this.kpis.health(p.name);
  }
}
