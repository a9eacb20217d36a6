import { createHash } from 'node:crypto';
import { isoWeek, type ReportParams } from '@him/contracts';
import { REPORT_TYPE_TITLES } from './labels';

/** The same request, however written (order of machines, lots or formats), is the same report: the hash of its normal form. */
export function reportRequestKey(params: ReportParams): string {
  const normal: ReportParams = {
    type: params.type,
    from: params.from,
    to: params.to,
    equipment: [...new Set(params.equipment)].sort(),
    lots: [...new Set(params.lots)].sort(),
    formats: [...new Set(params.formats)].sort(),
    lang: params.lang,
  };
  return createHash('sha256').update(JSON.stringify(normal)).digest('hex');
}

/** `Weekly report 2026-W47`, `Daily report 2026-11-20`, `Equipment report 2026-11-01 – 2026-11-30`, in the report's language. */
export function reportTitle(params: Pick<ReportParams, 'type' | 'from' | 'to' | 'lang'>): string {
  const period = params.type === 'weekly' ? isoWeek(params.from) : params.from === params.to ? params.from : `${params.from} – ${params.to}`;
  return `${REPORT_TYPE_TITLES[params.type][params.lang]} ${period}`;
}
