// ECharts options of the Process page: tag series with anomaly bands, and the LSTM fault probability.
import type { LineSeriesOption } from 'echarts';
import type { ChartOption } from '../../chart';
import { SEVERITY_STYLE } from '../../faults';
import type { Anomaly, Prediction, Series } from './data';
import { escapeHtml, utcText } from '../../format';

/** A run of anomalies of one severity on consecutive observations, drawn as one band. */
export interface Band {
  start: number;
  end: number;
  severity: string;
  count: number;
  topTags: { tag: string; contribution: number }[];
}

const DEFAULT_STEP_MS = 3 * 60_000;

/**
 * Each anomaly marks one observation (its detected_at). Consecutive ones of the same severity merge into a band
 * that reaches one sampling step past its last observation, so a single alarm is still visible.
 */
export function anomalyBands(anomalies: Anomaly[]): Band[] {
  const sorted = anomalies.map((a) => ({ a, t: Date.parse(a.detected_at) })).sort((x, y) => x.t - y.t);
  let step = Infinity;
  for (let i = 1; i < sorted.length; i++) {
    const gap = sorted[i].t - sorted[i - 1].t;
    if (gap > 0 && gap < step) step = gap;
  }
  if (!Number.isFinite(step)) step = DEFAULT_STEP_MS;
  const bands: (Band & { last: number; sums: Map<string, number> })[] = [];
  for (const { a, t } of sorted) {
    let band = bands[bands.length - 1];
    if (!band || band.severity !== a.severity || t - band.last > 1.5 * step) {
      band = { start: t, end: t + step, last: t, severity: a.severity, count: 0, topTags: [], sums: new Map() };
      bands.push(band);
    }
    band.last = t;
    band.end = t + step;
    band.count++;
    for (const { tag, contribution } of a.top_tags) band.sums.set(tag, (band.sums.get(tag) ?? 0) + contribution);
  }
  return bands.map(({ start, end, severity, count, sums }) => ({
    start,
    end,
    severity,
    count,
    topTags: [...sums.entries()]
      .map(([tag, sum]) => ({ tag, contribution: sum / count }))
      .sort((x, y) => y.contribution - x.contribution)
      .slice(0, 3),
  }));
}

export interface SeriesWords {
  anomalies: string;
  meanContribution: string;
  probability: string;
  threshold: string;
}

function bandTooltip(bands: Band[], time: number, t: SeriesWords): string {
  const band = bands.find((b) => time >= b.start && time < b.end);
  if (!band) return '';
  const style = SEVERITY_STYLE[band.severity];
  const tags = band.topTags.map((x) => `${escapeHtml(x.tag)} <b>${x.contribution.toFixed(1)}</b>`).join('<br/>');
  return (
    `<hr style="margin:4px 0"/><span style="color:${style?.color ?? '#777'}">${style?.glyph ?? '?'}</span> ${escapeHtml(band.severity)} · ` +
    `${band.count} ${t.anomalies} (${utcText(band.start)} – ${utcText(band.end)})<br/><i>${t.meanContribution}</i><br/>${tags}`
  );
}

function markArea(bands: Band[]): LineSeriesOption['markArea'] {
  return {
    silent: true,
    data: bands.map((b) => {
      const style = SEVERITY_STYLE[b.severity] ?? { color: '#777', glyph: '?' };
      // The glyph on top tells severities apart without relying on hue.
      return [
        {
          xAxis: b.start,
          itemStyle: { color: style.color, opacity: 0.2 },
          label: { show: true, position: 'insideTop' as const, formatter: style.glyph, color: style.color },
        },
        { xAxis: b.end },
      ];
    }),
  };
}

interface AxisParam {
  axisValue: number;
  seriesName: string;
  value: [number, number];
  marker: string;
}

const GRID_HEIGHT = 150;
const GRID_GAP = 48;

/** Grids, the last one's axis labels and the zoom slider below. */
export const seriesChartHeight = (n: number) => 30 + n * GRID_HEIGHT + (n - 1) * GRID_GAP + 70;

// Days as 12-04, not as the bare day number ECharts writes by default.
/** An axis tooltip: the time, a line per series under the pointer, and the anomaly band there (its tags). */
function bandedTooltip(bands: Band[], t: SeriesWords, row: (param: AxisParam) => string) {
  return {
    trigger: 'axis' as const,
    formatter: (params: unknown) => {
      const list = params as AxisParam[];
      if (!list.length) return '';
      const time = list[0].axisValue;
      return `${utcText(time)}<br/>${list.map(row).join('<br/>')}${bandTooltip(bands, time, t)}`;
    },
  };
}

const TIME_LABELS = { hideOverlap: true, formatter: { day: '{MM}-{dd}', hour: '{HH}:{mm}', minute: '{HH}:{mm}' } };

/** One grid per tag (tags differ in scale by orders of magnitude), sharing one time range and one zoom. */
export function seriesOption(series: Series[], bands: Band[], range: { min?: number; max?: number }, t: SeriesWords): ChartOption {
  const indexes = series.map((_, i) => i);
  return {
    useUTC: true,
    tooltip: bandedTooltip(bands, t, (p) => `${p.marker}${escapeHtml(p.seriesName)} <b>${p.value[1]}</b>`),
    axisPointer: { link: [{ xAxisIndex: 'all' }] },
    grid: indexes.map((i) => ({ left: 64, right: 24, top: 30 + i * (GRID_HEIGHT + GRID_GAP), height: GRID_HEIGHT })),
    xAxis: indexes.map((i) => ({ type: 'time', gridIndex: i, min: range.min, max: range.max, axisLabel: TIME_LABELS })),
    yAxis: series.map((s, i) => ({ type: 'value', gridIndex: i, scale: true, name: s.tag, nameTextStyle: { align: 'left' } })),
    dataZoom: [
      { type: 'inside', xAxisIndex: indexes },
      { type: 'slider', xAxisIndex: indexes, bottom: 8, height: 22 },
    ],
    series: series.map((s, i) => ({
      type: 'line',
      name: s.tag,
      xAxisIndex: i,
      yAxisIndex: i,
      showSymbol: false,
      sampling: 'lttb',
      data: s.measured_at.map((at, j) => [Date.parse(at), s.value[j]]),
      markArea: markArea(bands),
    })),
  };
}

/** The predictor's fault probability over the lot, with its decision threshold when the registry records one. */
export function probabilityOption(predictions: Prediction[], threshold: number | undefined, bands: Band[], range: { min?: number; max?: number }, t: SeriesWords): ChartOption {
  return {
    useUTC: true,
    tooltip: bandedTooltip(bands, t, (p) => `${p.marker}${escapeHtml(t.probability)} <b>${p.value[1].toFixed(3)}</b>`),
    grid: { left: 64, right: 24, top: 30, bottom: 50 },
    xAxis: { type: 'time', min: range.min, max: range.max, axisLabel: TIME_LABELS },
    yAxis: { type: 'value', min: 0, max: 1, name: t.probability },
    dataZoom: [
      { type: 'inside', xAxisIndex: 0 },
      { type: 'slider', xAxisIndex: 0, bottom: 8, height: 22 },
    ],
    series: [
      {
        type: 'line',
        name: t.probability,
        showSymbol: false,
        sampling: 'lttb',
        areaStyle: { opacity: 0.15 },
        data: predictions.map((p) => [Date.parse(p.predicted_at), p.probability]),
        markLine:
          threshold === undefined
            ? undefined
            : {
                silent: true,
                symbol: 'none',
                lineStyle: { type: 'dashed', color: '#D55E00' },
                label: { formatter: `${t.threshold} ${threshold}`, position: 'insideEndTop' },
                data: [{ yAxis: threshold }],
              },
      },
    ],
  };
}
