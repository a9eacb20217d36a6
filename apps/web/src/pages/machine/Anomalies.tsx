import { api } from '../../api';
import { Empty, ErrorNote, Loading, Section, SeverityBadge, Time } from '../../components';
import { useAcknowledge, useLoad } from '../../hooks';
import { useWords } from '../../i18n';
import { useCan } from '../../session';
import { dayEnd, dayStart, WORDS, type Page } from './shared';

interface Anomaly {
  id: number;
  lot_code: string | null;
  detected_at: string;
  method: string;
  score: number;
  severity: string;
  model_version: string;
  acknowledged_by: string | null;
  acknowledged_at: string | null;
}

const LIMIT = 100;

/** The machine's anomalies, newest first; an operator acknowledges them here. */
export function Anomalies({ machine, from, to }: { machine: string; from?: string; to?: string }) {
  const t = useWords(WORDS);
  const can = useCan();
  const list = useLoad(() => api.get<Page<Anomaly>>('/anomalies', { equipment: machine, from: dayStart(from), to: dayEnd(to), limit: LIMIT }), [machine, from, to]);
  const { reload } = list;
  const acknowledge = useAcknowledge(reload);
  const items = list.data?.items ?? [];
  return (
    <Section title={t.anomalies} testId="anomalies" actions={list.data && <span className="muted">{`${items.length} ${t.shown} ${list.data.total}`}</span>}>
      <ErrorNote error={list.error} />
      <ErrorNote error={acknowledge.error} />
      <Loading when={list.loading && !list.data} />
      {list.data && items.length === 0 && <Empty />}
      {items.length > 0 && (
        <div className="table-wrap">
          <table data-testid="anomaly-table">
            <thead>
              <tr>
                <th>{t.detectedAt}</th>
                <th>{t.severity}</th>
                <th className="num">{t.score}</th>
                <th>{t.method}</th>
                <th>{t.lot}</th>
                <th>{t.acknowledged}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((a) => (
                <tr key={a.id} data-testid="anomaly-row" data-anomaly={a.id}>
                  <td>
                    <Time value={a.detected_at} />
                  </td>
                  <td>
                    <SeverityBadge severity={a.severity} />
                  </td>
                  <td className="num">{a.score.toFixed(2)}</td>
                  <td>
                    {a.method} <span className="muted mono">{a.model_version}</span>
                  </td>
                  <td>{a.lot_code ?? '–'}</td>
                  <td>
                    {a.acknowledged_at ? (
                      <span>
                        {a.acknowledged_by} · <Time value={a.acknowledged_at} />
                      </span>
                    ) : can.write ? (
                      <button type="button" className="secondary" data-testid={`ack-${a.id}`} disabled={acknowledge.busy} onClick={() => void acknowledge.run(a.id)}>
                        {t.acknowledge}
                      </button>
                    ) : (
                      <span className="muted">{t.open}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
