import { useMemo, useState } from 'react';
import { Empty, ErrorNote, SeverityBadge, Time } from '../../components';
import { SEVERITY_STYLE } from '../../faults';
import { useAcknowledge } from '../../hooks';
import { useWords, type Words } from '../../i18n';
import { useCan } from '../../session';
import { percent } from '../../format';
import type { Anomaly, ProbableFault } from './data';

const WORDS: Words<
  | 'detectedAt'
  | 'severity'
  | 'score'
  | 'method'
  | 'topTags'
  | 'probableFault'
  | 'ackBy'
  | 'ackAt'
  | 'acknowledge'
  | 'all'
  | 'openOnly'
  | 'previous'
  | 'next'
  | 'showing'
  | 'addTag'
  | 'model'
> = {
  en: {
    detectedAt: 'Detected at',
    severity: 'Severity',
    score: 'Score',
    method: 'Method',
    topTags: 'Top contributing tags',
    probableFault: 'Probable fault',
    ackBy: 'Acknowledged by',
    ackAt: 'Acknowledged at',
    acknowledge: 'Acknowledge',
    all: 'All severities',
    openOnly: 'Open only',
    previous: 'Previous',
    next: 'Next',
    showing: 'of',
    addTag: 'Show this tag in the chart',
    model: 'Model',
  },
  ko: {
    detectedAt: '감지 시각',
    severity: '심각도',
    score: '점수',
    method: '방법',
    topTags: '주요 기여 태그',
    probableFault: '추정 고장',
    ackBy: '확인자',
    ackAt: '확인 시각',
    acknowledge: '확인',
    all: '모든 심각도',
    openOnly: '미확인만',
    previous: '이전',
    next: '다음',
    showing: '/',
    addTag: '이 태그를 차트에 표시',
    model: '모델',
  },
};

const PAGE_SIZE = 25;

/** The fault and its probability; the tooltip names it and the other candidates, with the identifier's version. */
function ProbableFaultCell({ fault }: { fault: ProbableFault }) {
  const candidates = fault.candidates.map((c) => `${c.fault} ${percent(c.probability)}: ${c.description}`).join('\n');
  return (
    <span title={`${candidates}\n${fault.model_version}`}>
      <span className="mono">{fault.fault}</span> <span className="muted">{percent(fault.probability)}</span>
    </span>
  );
}

/** A lot's anomalies, newest first, with the operator's Acknowledge button; a top tag adds its series to the chart. */
export function AnomalyTable({ anomalies, onChanged, onTag }: { anomalies: Anomaly[]; onChanged: () => void; onTag: (tag: string) => void }) {
  const t = useWords(WORDS);
  const can = useCan();
  const [severity, setSeverity] = useState('');
  const [openOnly, setOpenOnly] = useState(false);
  const [page, setPage] = useState(0);
  const acknowledge = useAcknowledge(onChanged);

  const shown = useMemo(
    () => anomalies.filter((a) => (!severity || a.severity === severity) && (!openOnly || !a.acknowledged_at)).sort((a, b) => b.detected_at.localeCompare(a.detected_at)),
    [anomalies, severity, openOnly],
  );
  const pages = Math.max(1, Math.ceil(shown.length / PAGE_SIZE));
  const current = Math.min(page, pages - 1);
  const rows = shown.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE);

  return (
    <>
      <div className="filters">
        <label>
          {t.severity}
          <select data-testid="anomaly-severity" value={severity} onChange={(e) => (setSeverity(e.target.value), setPage(0))}>
            <option value="">{t.all}</option>
            {Object.entries(SEVERITY_STYLE).map(([name, style]) => (
              <option key={name} value={name}>
                {style.glyph} {name}
              </option>
            ))}
          </select>
        </label>
        <label className="row">
          <input type="checkbox" data-testid="anomaly-open-only" checked={openOnly} onChange={(e) => (setOpenOnly(e.target.checked), setPage(0))} />
          {t.openOnly}
        </label>
        <span style={{ flex: 1 }} />
        <span className="muted" data-testid="anomaly-count">
          {shown.length === 0 ? 0 : current * PAGE_SIZE + 1}–{current * PAGE_SIZE + rows.length} {t.showing} {shown.length}
        </span>
        <button type="button" className="secondary" disabled={current === 0} onClick={() => setPage(current - 1)} data-testid="anomaly-prev">
          {t.previous}
        </button>
        <button type="button" className="secondary" disabled={current >= pages - 1} onClick={() => setPage(current + 1)} data-testid="anomaly-next">
          {t.next}
        </button>
      </div>
      <ErrorNote error={acknowledge.error} />
      {rows.length === 0 ? (
        <Empty />
      ) : (
        <div className="table-wrap">
          <table data-testid="anomalies-table">
            <thead>
              <tr>
                <th>{t.detectedAt}</th>
                <th>{t.severity}</th>
                <th className="num">{t.score}</th>
                <th>{t.method}</th>
                <th>{t.topTags}</th>
                <th>{t.probableFault}</th>
                <th>{t.ackBy}</th>
                <th>{t.ackAt}</th>
                {can.write && <th />}
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <tr key={a.id} data-testid={`anomaly-${a.id}`} data-severity={a.severity}>
                  <td>
                    <Time value={a.detected_at} />
                  </td>
                  <td>
                    <SeverityBadge severity={a.severity} />
                  </td>
                  <td className="num">{a.score.toFixed(3)}</td>
                  <td title={`${t.model}: ${a.model_version}`}>{a.method}</td>
                  <td>
                    {a.top_tags.map((x, i) => (
                      <span key={x.tag}>
                        {i > 0 && ', '}
                        <button type="button" className="link mono" title={t.addTag} onClick={() => onTag(x.tag)}>
                          {x.tag}
                        </button>{' '}
                        <span className="muted">{x.contribution.toFixed(1)}</span>
                      </span>
                    ))}
                  </td>
                  <td data-testid={`probable-fault-${a.id}`}>{a.probable_fault ? <ProbableFaultCell fault={a.probable_fault} /> : <span className="muted">–</span>}</td>
                  <td title={a.note ?? undefined}>{a.acknowledged_by ?? <span className="muted">–</span>}</td>
                  <td>
                    <Time value={a.acknowledged_at} />
                  </td>
                  {can.write && (
                    <td>
                      {!a.acknowledged_at && (
                        <button type="button" data-testid={`ack-${a.id}`} disabled={acknowledge.busy} onClick={() => void acknowledge.run(a.id)}>
                          {t.acknowledge}
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
