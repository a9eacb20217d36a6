// The registry stores each version's metrics as the training run wrote them (a free-form object per model), so
// the page reads them generically: scalar figures by path, a headline score, and any confusion matrix.
import type { ChartOption } from '../../chart';

export type Metrics = Record<string, unknown>;

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isNumbers = (x: unknown): x is number[] => Array.isArray(x) && x.every((v) => typeof v === 'number');

/** Short number lists (a per-horizon error) are shown inline; longer ones (per-tag settings, loss curves) are left out. */
const MAX_INLINE = 6;

/** Every scalar figure of the metrics as `a.b.c` → value, in the order the run wrote them. */
export function flatten(metrics: Metrics | null): [string, string | number | boolean][] {
  const out: [string, string | number | boolean][] = [];
  const walk = (value: unknown, path: string) => {
    if (isObject(value)) for (const [key, inner] of Object.entries(value)) walk(inner, path ? `${path}.${key}` : key);
    else if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') out.push([path, value]);
    else if (isNumbers(value) && value.length <= MAX_INLINE) out.push([path, value.map((v) => formatNumber(v)).join(', ')]);
  };
  walk(metrics, '');
  return out;
}

export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e6) ? value.toExponential(3) : String(Number(value.toFixed(4)));
}

/** The figure a version is judged by: its held-out accuracy (macro over classes), or the detector's mean detection rate; the shallowest one wins. */
const HEADLINE = /^(accuracy|macro_?accuracy|mean_?detection_?rate.*|meanDetectionRate|f1|score)$/i;

export function headline(metrics: Metrics | null): { path: string; value: number } | undefined {
  let best: { path: string; value: number } | undefined;
  for (const [path, value] of flatten(metrics)) {
    if (typeof value !== 'number' || !HEADLINE.test(path.split('.').pop() ?? '')) continue;
    if (!best || path.split('.').length < best.path.split('.').length) best = { path, value };
  }
  return best;
}

export interface Confusion {
  path: string;
  matrix: number[][];
}

/** Square matrices of counts (rows: actual class, columns: predicted), wherever the run recorded them. */
export function confusionMatrices(metrics: Metrics | null): Confusion[] {
  const out: Confusion[] = [];
  const walk = (value: unknown, path: string) => {
    if (Array.isArray(value) && value.length >= 2 && value.every((row) => isNumbers(row) && row.length === value.length)) out.push({ path, matrix: value as number[][] });
    else if (isObject(value)) for (const [key, inner] of Object.entries(value)) walk(inner, path ? `${path}.${key}` : key);
  };
  walk(metrics, '');
  return out;
}

export function confusionOption(matrix: number[][], labels: string[], words: { actual: string; predicted: string }): ChartOption {
  const data = matrix.flatMap((row, actual) => row.map((count, predicted) => [predicted, actual, count]));
  const max = Math.max(1, ...matrix.flat());
  // Many classes (the fault identifier's 18) do not fit side by side: their names slant.
  const many = labels.length > 8;
  return {
    // One series of counts: the global decal patterns would only hatch the cells; the printed counts carry the meaning.
    aria: { enabled: true, decal: { show: false } },
    tooltip: {
      formatter: (p: unknown) => {
        const [predicted, actual, count] = (p as { value: number[] }).value;
        return `${words.actual}: ${labels[actual]}<br/>${words.predicted}: ${labels[predicted]}<br/><b>${count}</b>`;
      },
    },
    grid: { left: 140, right: 24, top: 16, bottom: many ? 120 : 100 },
    xAxis: {
      type: 'category',
      data: labels,
      name: words.predicted,
      nameLocation: 'middle',
      nameGap: many ? 60 : 40,
      axisLabel: many ? { interval: 0, rotate: 45 } : { interval: 0, width: 90, overflow: 'break' },
      splitArea: { show: true },
    },
    yAxis: { type: 'category', data: labels, name: words.actual, nameLocation: 'middle', nameGap: 120, inverse: true, splitArea: { show: true } },
    // One hue from light to dark reads the same to colour-blind eyes; every cell also prints its count.
    visualMap: { min: 0, max, calculable: false, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 120, inRange: { color: ['#f2f7fc', '#0b5cad'] } },
    series: [{ type: 'heatmap', data, label: { show: true }, emphasis: { itemStyle: { borderColor: '#1d2330', borderWidth: 1 } } }],
  };
}
