// The API answers the Process page reads (only the fields it uses) and how it loads them.
import { api, type Query } from '../../api';

export interface Lot {
  code: string;
  equipment: string;
  started_at: string;
  status: string;
  fault_label: number | null;
  samples: number;
}

export interface LotDetail extends Lot {
  tags: string[];
}

export interface LotKpi {
  lot_code: string;
  samples: number;
  anomaly_count: number;
  anomaly_rate: number;
  yield: number | null;
  mean_fault_probability: number | null;
  first_alarm_at: string | null;
  updated_at: string;
}

export interface Series {
  tag: string;
  source_points: number;
  measured_at: string[];
  value: number[];
}

export interface FaultCandidate {
  idv: number;
  fault: string;
  description: string;
  probability: number;
}

/** The IDV fault an alarm most resembles, by the fault identifier (GET /anomalies). */
export interface ProbableFault extends FaultCandidate {
  candidates: FaultCandidate[];
  model_version: string;
}

export interface Anomaly {
  id: number;
  detected_at: string;
  method: string;
  score: number;
  severity: string;
  top_tags: { tag: string; contribution: number }[];
  probable_fault: ProbableFault | null;
  model_version: string;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
  note: string | null;
}

export interface Prediction {
  id: number;
  tag: string;
  predicted_at: string;
  horizon_minutes: number;
  probability: number;
  model_version: string;
}

export interface ModelVersion {
  name: string;
  version: number;
  metrics: Record<string, unknown> | null;
}

export interface Page<T> {
  items: T[];
  total: number;
}

/** The API pages lists by 1000 at most; a lot's anomalies and forecasts are read whole (a TEP run has ~1000 observations). */
const PAGE = 1000;
const MAX_PAGES = 20;

export async function allPages<T>(path: string, query: Query): Promise<Page<T>> {
  const items: T[] = [];
  let total = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const res = await api.get<Page<T>>(path, { ...query, limit: PAGE, offset: page * PAGE });
    items.push(...res.items);
    total = res.total;
    if (res.items.length < PAGE || items.length >= total) break;
  }
  return { items, total };
}

/** XMEAS_1 … XMEAS_41, then XMV_1 … XMV_11 (not the API's text order, which puts XMEAS_10 before XMEAS_2). */
export function sortTags(tags: string[]): string[] {
  const key = (tag: string): [string, number] => {
    const m = /^(.*?)(\d+)$/.exec(tag);
    return m ? [m[1], Number(m[2])] : [tag, 0];
  };
  return [...tags].sort((a, b) => {
    const [pa, na] = key(a);
    const [pb, nb] = key(b);
    return pa === pb ? na - nb : pa < pb ? -1 : 1;
  });
}

/** The decision threshold of the predictor that wrote the forecasts, as its registry metrics record it. */
export function thresholdOf(model: ModelVersion | undefined): number | undefined {
  const metrics = model?.metrics;
  if (!metrics) return undefined;
  const evaluation = metrics.evaluation as Record<string, unknown> | undefined;
  const value = evaluation?.threshold ?? metrics.threshold;
  return typeof value === 'number' ? value : undefined;
}

/** `tep-lstm@1` → name and version. */
export function parseModelVersion(text: string): { name: string; version: number } | undefined {
  const m = /^(.+)@(\d+)$/.exec(text);
  return m ? { name: m[1], version: Number(m[2]) } : undefined;
}
