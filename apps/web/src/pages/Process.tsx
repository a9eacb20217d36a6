// Process view (Tennessee Eastman process): a lot's KPIs, its tags with anomaly bands, the LSTM fault probability and the anomalies.
import { useCallback, useMemo, type ReactNode } from 'react';
import { api } from '../api';
import { Chart } from '../chart';
import { Empty, ErrorNote, Loading, Section, Time } from '../components';
import { useFilters, useLoad } from '../hooks';
import { COMMON, useWords, type Words } from '../i18n';
import { AnomalyTable } from './process/AnomalyTable';
import { anomalyBands, probabilityOption, seriesChartHeight, seriesOption } from './process/charts';
import {
  allPages,
  parseModelVersion,
  sortTags,
  thresholdOf,
  type Anomaly,
  type Lot,
  type LotDetail,
  type LotKpi,
  type ModelVersion,
  type Page,
  type Prediction,
  type Series,
} from './process/data';
import { percent } from '../format';

const WORDS: Words<
  | 'title'
  | 'lot'
  | 'tag'
  | 'compare'
  | 'remove'
  | 'utc'
  | 'reset'
  | 'noLots'
  | 'unknownLot'
  | 'kpis'
  | 'notRolledUp'
  | 'samples'
  | 'anomalyCount'
  | 'anomalyRate'
  | 'yield'
  | 'meanProbability'
  | 'firstAlarm'
  | 'status'
  | 'startedAt'
  | 'disturbance'
  | 'normalOperation'
  | 'series'
  | 'seriesHint'
  | 'probabilityTitle'
  | 'probabilityHint'
  | 'noThreshold'
  | 'noPredictions'
  | 'anomaliesTitle'
  | 'anomalies'
  | 'meanContribution'
  | 'probability'
  | 'threshold'
  | 'rolledUp'
> = {
  en: {
    title: 'Process',
    lot: 'Lot',
    tag: 'Tag',
    compare: 'Compare with…',
    remove: 'Remove',
    utc: 'UTC',
    reset: 'Whole lot',
    noLots: 'No lots yet: ingest a TEP run (POST /api/v1/ingest).',
    unknownLot: 'There is no lot {lot}; showing {first}.',
    kpis: 'Lot KPIs',
    notRolledUp: 'This lot has not been rolled up yet (the KPI rollup runs after each diagnosis sweep).',
    samples: 'Observations',
    anomalyCount: 'Anomalous observations',
    anomalyRate: 'Anomaly rate',
    yield: 'Yield',
    meanProbability: 'Mean fault probability',
    firstAlarm: 'First alarm',
    status: 'Status',
    startedAt: 'Started at',
    disturbance: 'Known disturbance',
    normalOperation: 'normal operation',
    series: 'Process tags',
    seriesHint: 'Shaded bands: anomalies, by severity (○ low, ◐ medium, ● high, ◉ critical); hover for the tags contributing most.',
    probabilityTitle: 'LSTM fault probability',
    probabilityHint: 'Probability that the process is in a fault, per observation, from the active TEP predictor.',
    noThreshold: 'The registry records no decision threshold for this predictor.',
    noPredictions: 'No forecasts for this lot in this range yet (the diagnosis sweep writes them).',
    anomaliesTitle: 'Anomalies',
    anomalies: 'anomalies',
    meanContribution: 'Top contributing tags (mean contribution)',
    probability: 'Fault probability',
    threshold: 'threshold',
    rolledUp: 'Rolled up',
  },
  ko: {
    title: '공정',
    lot: '로트',
    tag: '태그',
    compare: '비교 태그 추가…',
    remove: '제거',
    utc: 'UTC',
    reset: '로트 전체',
    noLots: '로트가 없습니다: TEP 실행 파일을 수집하세요 (POST /api/v1/ingest).',
    unknownLot: '{lot} 로트가 없습니다. {first}을(를) 표시합니다.',
    kpis: '로트 KPI',
    notRolledUp: '이 로트는 아직 집계되지 않았습니다 (KPI 집계는 진단 스윕 후 실행됩니다).',
    samples: '관측 수',
    anomalyCount: '이상 관측 수',
    anomalyRate: '이상률',
    yield: '수율',
    meanProbability: '평균 고장 확률',
    firstAlarm: '최초 경보',
    status: '상태',
    startedAt: '시작 시각',
    disturbance: '알려진 외란',
    normalOperation: '정상 운전',
    series: '공정 태그',
    seriesHint: '음영 구간: 심각도별 이상 (○ 낮음, ◐ 중간, ● 높음, ◉ 심각). 마우스를 올리면 주요 기여 태그가 보입니다.',
    probabilityTitle: 'LSTM 고장 확률',
    probabilityHint: '활성 TEP 예측 모델이 관측마다 계산한 공정 고장 확률입니다.',
    noThreshold: '레지스트리에 이 예측 모델의 판정 임계값이 없습니다.',
    noPredictions: '이 범위에 이 로트의 예측이 아직 없습니다 (진단 스윕이 기록합니다).',
    anomaliesTitle: '이상',
    anomalies: '건의 이상',
    meanContribution: '주요 기여 태그 (평균 기여도)',
    probability: '고장 확률',
    threshold: '임계값',
    rolledUp: '집계 시각',
  },
};

/** How many tags one chart compares at most (one grid each). */
const MAX_TAGS = 4;
/** A datetime-local input holds minutes without a zone; the page reads and writes it as UTC. */
const toInput = (iso: string | undefined) => (iso ? iso.slice(0, 16) : '');
const fromInput = (value: string) => (value ? `${value}:00Z` : undefined);

export default function Process() {
  const t = useWords(WORDS);
  const common = useWords(COMMON);
  const [filters, setFilters] = useFilters();
  const { from, to } = filters;

  const lots = useLoad(() => api.get<Page<Lot>>('/lots', { limit: 1000 }), []);
  const lotList = lots.data?.items;
  // Only codes the list names are fetched, so a stale link never produces a 404.
  const lot = lotList?.find((l) => l.code === filters.lot) ?? lotList?.[0];
  const code = lot?.code;

  const detail = useLoad(() => (code ? api.get<LotDetail>(`/lots/${encodeURIComponent(code)}`) : Promise.resolve(undefined)), [code]);
  const lotTags = useMemo(() => (detail.data && detail.data.code === code ? sortTags(detail.data.tags) : []), [detail.data, code]);
  const tags = useMemo(() => {
    const wanted = (filters.tag ?? '').split(',').filter((tag) => lotTags.includes(tag));
    return wanted.length ? [...new Set(wanted)].slice(0, MAX_TAGS) : lotTags.slice(0, 1);
  }, [filters.tag, lotTags]);

  const series = useLoad(
    () => (code && tags.length ? Promise.all(tags.map((tag) => api.get<Series>('/timeseries', { lot: code, tag, from, to, points: 2000 }))) : Promise.resolve(undefined)),
    [code, tags.join(','), from, to],
  );
  const anomalies = useLoad(() => (code ? allPages<Anomaly>('/anomalies', { lot_code: code, from, to }) : Promise.resolve(undefined)), [code, from, to]);
  const predictions = useLoad(() => (code ? allPages<Prediction>('/predictions', { lot_code: code, from, to }) : Promise.resolve(undefined)), [code, from, to]);
  const kpi = useLoad(() => (code ? api.get<Page<LotKpi>>('/kpi/lots', { lot_code: code }) : Promise.resolve(undefined)), [code]);
  const models = useLoad(() => api.get<ModelVersion[]>('/models'), []);

  const bands = useMemo(() => anomalyBands(anomalies.data?.items ?? []), [anomalies.data]);
  const forecasts = useMemo(() => predictions.data?.items ?? [], [predictions.data]);
  const predictor = useMemo(() => {
    const last = forecasts[forecasts.length - 1];
    const id = last && parseModelVersion(last.model_version);
    return id && models.data?.find((m) => m.name === id.name && m.version === id.version);
  }, [forecasts, models.data]);
  const threshold = thresholdOf(predictor);

  // Both charts span the same time, so a band and the probability line up.
  const range = useMemo(() => {
    const ends = [...(series.data ?? []).map((s) => s.measured_at[s.measured_at.length - 1]), forecasts[forecasts.length - 1]?.predicted_at].filter((x): x is string => !!x);
    const min = from ?? (detail.data?.code === code ? detail.data?.started_at : undefined);
    const max = to ?? (ends.length ? ends.sort()[ends.length - 1] : undefined);
    return { min: min ? Date.parse(min) : undefined, max: max ? Date.parse(max) : undefined };
  }, [series.data, forecasts, from, to, detail.data, code]);

  const chartWords = useMemo(() => ({ anomalies: t.anomalies, meanContribution: t.meanContribution, probability: t.probability, threshold: t.threshold }), [t]);
  const shownSeries = useMemo(() => (series.data ?? []).filter((s) => tags.includes(s.tag)), [series.data, tags]);
  const seriesChart = useMemo(() => seriesOption(shownSeries, bands, range, chartWords), [shownSeries, bands, range, chartWords]);
  const probabilityChart = useMemo(() => probabilityOption(forecasts, threshold, bands, range, chartWords), [forecasts, threshold, bands, range, chartWords]);

  const setTags = useCallback((next: string[]) => setFilters({ tag: next.join(',') }), [setFilters]);
  const addTag = useCallback((tag: string) => setTags(tags.includes(tag) ? tags : [...tags, tag].slice(-MAX_TAGS)), [tags, setTags]);
  const reloadAnomalies = anomalies.reload;

  if (lots.error) return <ErrorNote error={lots.error} />;
  if (!lotList) return <Loading when />;

  const lotKpi = kpi.data?.items.find((k) => k.lot_code === code);
  return (
    <div className="page" data-testid="page-process">
      <Section title={t.title}>
        {lotList.length === 0 ? (
          <Empty>{t.noLots}</Empty>
        ) : (
          <div className="filters">
            <label>
              {t.lot}
              <select data-testid="lot-picker" value={code} onChange={(e) => setFilters({ lot: e.target.value, from: undefined, to: undefined })}>
                {lotList.map((l) => (
                  <option key={l.code} value={l.code}>
                    {l.code}
                    {l.fault_label !== null ? ` (IDV ${l.fault_label})` : ''}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t.tag}
              <select data-testid="tag-picker" value={tags[0] ?? ''} onChange={(e) => setTags([e.target.value])} disabled={!lotTags.length}>
                {lotTags.map((tag) => (
                  <option key={tag} value={tag}>
                    {tag}
                  </option>
                ))}
              </select>
            </label>
            {tags.length < MAX_TAGS && (
              <label>
                {t.compare}
                <select data-testid="tag-add" value="" onChange={(e) => addTag(e.target.value)} disabled={!lotTags.length}>
                  <option value="">–</option>
                  {lotTags
                    .filter((tag) => !tags.includes(tag))
                    .map((tag) => (
                      <option key={tag} value={tag}>
                        {tag}
                      </option>
                    ))}
                </select>
              </label>
            )}
            <label>
              {common.from} ({t.utc})
              <input type="datetime-local" data-testid="range-from" value={toInput(from)} onChange={(e) => setFilters({ from: fromInput(e.target.value) })} />
            </label>
            <label>
              {common.to} ({t.utc})
              <input type="datetime-local" data-testid="range-to" value={toInput(to)} onChange={(e) => setFilters({ to: fromInput(e.target.value) })} />
            </label>
            {(from || to) && (
              <button type="button" className="secondary" data-testid="range-reset" onClick={() => setFilters({ from: undefined, to: undefined })}>
                {t.reset}
              </button>
            )}
          </div>
        )}
        {filters.lot && lot && filters.lot !== lot.code && (
          <p className="muted" data-testid="unknown-lot">
            {t.unknownLot.replace('{lot}', filters.lot).replace('{first}', lot.code)}
          </p>
        )}
        {tags.length > 1 && (
          <div className="row" data-testid="chosen-tags" style={{ marginTop: '0.5rem' }}>
            {tags.map((tag) => (
              <span key={tag} className="badge mono" data-tag={tag}>
                {tag}
                <button type="button" className="link" aria-label={`${t.remove} ${tag}`} onClick={() => setTags(tags.filter((x) => x !== tag))}>
                  ×
                </button>
              </span>
            ))}
          </div>
        )}
      </Section>

      {lot && (
        <>
          <Section title={`${t.kpis} · ${lot.code}`} testId="lot-kpis">
            <ErrorNote error={kpi.error ?? detail.error} />
            <div className="grid">
              <Stat id="status" label={t.status} value={lot.status} />
              <Stat id="started-at" label={t.startedAt} value={<Time value={lot.started_at} />} />
              <Stat
                id="disturbance"
                label={t.disturbance}
                value={lot.fault_label === null ? '–' : lot.fault_label === 0 ? `IDV 0 (${t.normalOperation})` : `IDV ${lot.fault_label}`}
              />
              <Stat id="samples" label={t.samples} value={lot.samples} />
              {lotKpi && (
                <>
                  <Stat id="anomaly-count" label={t.anomalyCount} value={lotKpi.anomaly_count} />
                  <Stat id="anomaly-rate" label={t.anomalyRate} value={percent(lotKpi.anomaly_rate)} />
                  <Stat id="yield" label={t.yield} value={percent(lotKpi.yield)} />
                  <Stat id="mean-probability" label={t.meanProbability} value={percent(lotKpi.mean_fault_probability)} />
                  <Stat id="first-alarm" label={t.firstAlarm} value={<Time value={lotKpi.first_alarm_at} />} />
                  <Stat id="updated-at" label={t.rolledUp} value={<Time value={lotKpi.updated_at} />} />
                </>
              )}
            </div>
            {kpi.data && !lotKpi && <Empty>{t.notRolledUp}</Empty>}
          </Section>

          <Section title={`${t.series} · ${tags.join(', ')}`} testId="process-series-section">
            <p className="muted">{t.seriesHint}</p>
            <ErrorNote error={series.error ?? anomalies.error} />
            <Loading when={(series.loading || anomalies.loading) && !series.data} />
            <Chart label="process-series" option={seriesChart} height={seriesChartHeight(Math.max(1, shownSeries.length))} />
          </Section>

          <Section title={t.probabilityTitle} testId="fault-probability-section">
            <p className="muted">
              {t.probabilityHint}
              {predictor && ` (${predictor.name}@${predictor.version})`} {forecasts.length > 0 && threshold === undefined && models.data && t.noThreshold}
            </p>
            <ErrorNote error={predictions.error ?? models.error} />
            <Loading when={predictions.loading && !predictions.data} />
            {predictions.data && forecasts.length === 0 && <Empty>{t.noPredictions}</Empty>}
            <Chart label="fault-probability" option={probabilityChart} height={240} />
          </Section>

          <Section title={`${t.anomaliesTitle} · ${anomalies.data?.total ?? '…'}`} testId="anomalies-section">
            <Loading when={anomalies.loading && !anomalies.data} />
            {anomalies.data && <AnomalyTable anomalies={anomalies.data.items} onChanged={reloadAnomalies} onTag={addTag} />}
          </Section>
        </>
      )}
    </div>
  );
}

function Stat({ id, label, value }: { id: string; label: string; value: ReactNode }) {
  return (
    <div data-testid={`kpi-${id}`}>
      <div className="muted">{label}</div>
      <strong style={{ fontSize: '1.2rem' }}>{value}</strong>
    </div>
  );
}
