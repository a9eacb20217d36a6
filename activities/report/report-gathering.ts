import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { addUtcDays, kpiPeriods, utcDayStart, utcDaysBetween, type ReportParams } from '@him/contracts';
import {
  AnomalyRepository,
  EquipmentRepository,
  IngestLedgerRepository,
  KpiRepository,
  LotRepository,
  PredictionRepository,
  VibrationDiagnosisRepository,
  topTags,
  type AnomalyRecord,
  type Report,
  type ReportScope,
  type ScopeSummary,
} from '@him/db';
import type { AnomalyLine, ReportDocument, ReportRowSources } from '@him/reports';

/** Anomalies the PDF lists (the most severe); the workbook lists them all. */
const PDF_ANOMALIES = 200;

/** What the renderers read: the document, and the scope and id bounds the workbook reads the long tables within. */
export interface GatheredReport {
  document: ReportDocument;
  scope: ReportScope;
  maxIds: Record<keyof ReportRowSources, number>;
}

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

/** `vibration-classifier@3`, `tep-detector@2` … → { 'vibration-classifier': '3', 'tep-detector': '2' }. */
function modelVersions(summaries: readonly ScopeSummary[]): Record<string, string> {
  const byModel = new Map<string, Set<string>>();
  for (const version of summaries.flatMap((s) => s.versions)) {
    const at = version.lastIndexOf('@');
    const [name, v] = at > 0 ? [version.slice(0, at), version.slice(at + 1)] : ['model', version];
    byModel.set(name, (byModel.get(name) ?? new Set()).add(v));
  }
  return Object.fromEntries([...byModel.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, vs]) => [name, [...vs].sort().join(', ')]));
}

/** Gathers what a report shows, through the repositories: its figures, and the bounds its long tables are read within. */
@Injectable()
export class ReportGathering {
  constructor(
    private readonly diagnoses: VibrationDiagnosisRepository,
    private readonly anomalies: AnomalyRepository,
    private readonly predictions: PredictionRepository,
    private readonly ingests: IngestLedgerRepository,
    private readonly kpis: KpiRepository,
    private readonly equipment: EquipmentRepository,
    private readonly lots: LotRepository,
  ) {}

  async gather(report: Report): Promise<GatheredReport> {
    const params: ReportParams = report.params;
    const scope = await this.scopeOf(params);
    const [diagnoses, anomalies, predictions, ingests] = await Promise.all([
      this.diagnoses.summariseForReport(scope),
      this.anomalies.summariseForReport(scope),
      this.predictions.summariseForReport(scope),
      this.ingests.summariseForReport(scope),
    ]);
    const dataSummaries = [diagnoses, anomalies, predictions];
    const firsts = dataSummaries.map((s) => s.firstAt).filter((d): d is Date => d !== null);
    const lasts = dataSummaries.map((s) => s.lastAt).filter((d): d is Date => d !== null);
    const dataWindow = {
      from: iso(firsts.length ? new Date(Math.min(...firsts.map(Number))) : null),
      to: iso(lasts.length ? new Date(Math.max(...lasts.map(Number))) : null),
    };

    const dayRows = await this.kpis.findDays({ equipmentIds: scope.equipmentIds && [...scope.equipmentIds], from: params.from, to: params.to });
    const names = await this.equipment.findCodes(dayRows.map((r) => r.equipmentId));
    const equipmentKpis = kpiPeriods(dayRows, names, 'range', { from: params.from, to: params.to });
    const days = Array.from({ length: utcDaysBetween(params.from, params.to) }, (_, i) => addUtcDays(params.from, i));
    const healthTrends = equipmentKpis.map(({ equipment }) => {
      const scores = new Map(dayRows.filter((r) => names.get(r.equipmentId) === equipment).map((r) => [r.day, r.healthScore ?? null]));
      return { equipment, points: days.map((day) => ({ day, healthScore: scores.get(day) ?? null })) };
    });

    const lotKpis = await this.lotKpiLines(scope);
    const rowCounts = { diagnoses: diagnoses.rows, anomalies: anomalies.rows, predictions: predictions.rows, ingests: ingests.rows };
    const maxIds = { diagnoses: diagnoses.maxId, anomalies: anomalies.maxId, predictions: predictions.maxId, ingests: ingests.maxId };
    const versions = modelVersions(dataSummaries);
    const topAnomalies = await this.anomalyLines(await this.anomalies.findMostSevere(scope, maxIds.anomalies, PDF_ANOMALIES));
    // The data's fingerprint: what was reported, over which rows (id bounds), by which models, with which figures.
    const dataChecksum = createHash('sha256').update(JSON.stringify({ params, dataWindow, rowCounts, maxIds, versions, equipmentKpis, lotKpis })).digest('hex');

    return {
      scope,
      maxIds,
      document: {
        reportId: report.id,
        type: params.type,
        lang: params.lang,
        from: params.from,
        to: params.to,
        equipment: params.equipment,
        lots: params.lots,
        requestedAt: report.createdAt.toISOString(),
        requestedBy: report.createdBy ?? null,
        dataWindow,
        dataChecksum,
        modelVersions: versions,
        rowCounts,
        equipmentKpis,
        lotKpis,
        healthTrends,
        topAnomalies,
      },
    };
  }

  /** The report's range as instants, and the machines and lots it is limited to (names the database does not know select nothing). */
  private async scopeOf(params: ReportParams): Promise<ReportScope> {
    const scope: ReportScope = { from: new Date(utcDayStart(params.from)), to: new Date(utcDayStart(addUtcDays(params.to, 1))) };
    if (params.equipment.length) {
      const ids = await Promise.all(params.equipment.map((name) => this.equipment.findIdByCode(name)));
      scope.machineNames = params.equipment;
      scope.equipmentIds = ids.filter((id): id is number => id !== null);
    }
    if (params.lots.length) {
      const lots = await Promise.all(params.lots.map((code) => this.lots.findByCode(code)));
      scope.lotIds = lots.flatMap((l) => (l ? [l.id] : []));
    }
    return scope;
  }

  /** The lots a report names, as named; else the range's lots, of its machines when it names some. */
  private async lotKpiLines(scope: ReportScope): Promise<ReportDocument['lotKpis']> {
    const lots = scope.lotIds
      ? await this.lots.findByIds(scope.lotIds)
      : (await this.lots.findByIds(await this.lots.findIdsOverlapping(scope.from, scope.to))).filter((l) => !scope.equipmentIds || scope.equipmentIds.includes(l.equipmentId));
    const [kpis, names] = await Promise.all([this.kpis.findLotKpis(lots.map((l) => l.id)), this.equipment.findCodes(lots.map((l) => l.equipmentId))]);
    return lots
      .filter((l) => kpis.has(l.id))
      .sort((a, b) => a.code.localeCompare(b.code))
      .map((l) => {
        const k = kpis.get(l.id)!;
        return {
          lot: l.code,
          equipment: names.get(l.equipmentId) ?? String(l.equipmentId),
          startedAt: l.startedAt,
          samples: k.samples,
          anomalyCount: k.anomalyCount,
          anomalyRate: k.anomalyRate,
          yield: k.yield ?? null,
          meanFaultProbability: k.meanFaultProbability ?? null,
          firstAlarmAt: k.firstAlarmAt ?? null,
        };
      });
  }

  private async anomalyLines(page: readonly AnomalyRecord[]): Promise<AnomalyLine[]> {
    const [equipment, lots] = await Promise.all([this.equipment.findCodes(page.map((a) => a.equipmentId)), this.lots.findCodes(page.flatMap((a) => a.lotId ?? []))]);
    return page.map((a) => ({
      id: a.id,
      equipment: equipment.get(a.equipmentId) ?? String(a.equipmentId),
      lot: a.lotId === undefined ? null : (lots.get(a.lotId) ?? String(a.lotId)),
      detectedAt: a.detectedAt,
      method: a.method,
      score: a.score,
      severity: a.severity,
      topTags: topTags(a.topTags),
      modelVersion: a.modelVersion,
      acknowledgedBy: a.acknowledgedBy ?? null,
      acknowledgedAt: a.acknowledgedAt ?? null,
    }));
  }
}

/** The gathered report as the renderers' activity reads it back from the blob store (JSON has no dates). */
export function reviveGathered(json: string): GatheredReport {
  const g = JSON.parse(json) as GatheredReport;
  const date = (v: unknown) => new Date(v as string);
  const optionalDate = (v: unknown) => (v === null ? null : date(v));
  g.scope.from = date(g.scope.from);
  g.scope.to = date(g.scope.to);
  for (const l of g.document.lotKpis) Object.assign(l, { startedAt: date(l.startedAt), firstAlarmAt: optionalDate(l.firstAlarmAt) });
  for (const a of g.document.topAnomalies) Object.assign(a, { detectedAt: date(a.detectedAt), acknowledgedAt: optionalDate(a.acknowledgedAt) });
  return g;
}
