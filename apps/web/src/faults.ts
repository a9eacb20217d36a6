// Fault types differ by more than hue: each has a colour from the Okabe–Ito palette (safe for colour-blind
// readers), a marker shape and a fill pattern, used alike by badges, chart series and legends.
import type { Lang } from './i18n';

export const FAULT_TYPES = [0, 1, 2, 3] as const;
export type FaultType = (typeof FAULT_TYPES)[number];

export const FAULT_STYLE: Record<
  FaultType,
  { color: string; symbol: string; glyph: string; decal: { symbol: string; dashArrayX?: number | (number | number[])[]; dashArrayY?: number | number[]; rotation?: number } }
> = {
  0: { color: '#009E73', symbol: 'circle', glyph: '●', decal: { symbol: 'none' } },
  1: { color: '#E69F00', symbol: 'triangle', glyph: '▲', decal: { symbol: 'rect', dashArrayX: [1, 0], dashArrayY: [2, 4], rotation: Math.PI / 4 } },
  2: { color: '#0072B2', symbol: 'diamond', glyph: '◆', decal: { symbol: 'circle', dashArrayX: [[3, 3]], dashArrayY: [3, 3] } },
  3: { color: '#D55E00', symbol: 'rect', glyph: '■', decal: { symbol: 'rect', dashArrayX: [1, 0], dashArrayY: [4, 3], rotation: -Math.PI / 4 } },
};

const NAMES: Record<Lang, Record<FaultType, string>> = {
  en: { 0: 'Normal', 1: 'Unbalance', 2: 'Looseness', 3: 'Unbalance + looseness' },
  ko: { 0: '정상', 1: '질량 불평형', 2: '지지 풀림', 3: '불평형 + 풀림' },
};

export const faultName = (fault: number, lang: Lang): string => NAMES[lang][fault as FaultType] ?? `#${fault}`;

/** Health score colour bands (same cut points as the report's conditional formatting). */
export function healthColor(score: number | null | undefined): string {
  if (score === null || score === undefined) return '#777';
  if (score >= 80) return '#009E73';
  if (score >= 50) return '#E69F00';
  return '#D55E00';
}

/** Anomaly severities, most severe last. */
export const SEVERITY_STYLE: Record<string, { color: string; glyph: string }> = {
  low: { color: '#56B4E9', glyph: '○' },
  medium: { color: '#E69F00', glyph: '◐' },
  high: { color: '#D55E00', glyph: '●' },
  critical: { color: '#CC79A7', glyph: '◉' },
};
