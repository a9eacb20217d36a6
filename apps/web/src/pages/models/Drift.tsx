// A model's feature drift as the nightly sweeps measured it (GET /models/{name}/drift): per day, all series pooled.
import { api } from '../../api';
import { Empty, ErrorNote, Loading, Section } from '../../components';
import { useLoad } from '../../hooks';
import { useWords, type Words } from '../../i18n';

interface DriftDay {
  day: string;
  model_version: string;
  series: number;
  samples: number;
  psi: number;
  threshold: number;
  top_features: { feature: string; psi: number }[];
  decision: string;
  reason: string;
  retrain_workflow_id: string | null;
}

interface ModelDrift {
  monitored: boolean;
  threshold: number;
  policy: string;
  days: DriftDay[];
}

const WORDS: Words<'title' | 'day' | 'version' | 'series' | 'samples' | 'psi' | 'features' | 'decision' | 'retrain' | 'none' | 'notMonitored' | 'policy'> = {
  en: {
    title: 'Feature drift, last 30 days',
    day: 'Day',
    version: 'Version',
    series: 'Series',
    samples: 'Samples',
    psi: 'PSI (median)',
    features: 'Drifted most',
    decision: 'Decision',
    retrain: 'Retrain',
    none: 'No sweep has measured this model’s drift in the last 30 days.',
    notMonitored: 'The sweep does not measure this model’s drift.',
    policy: 'threshold {threshold} · policy {policy}',
  },
  ko: {
    title: '특성 드리프트, 최근 30일',
    day: '날짜',
    version: '버전',
    series: '시리즈',
    samples: '표본',
    psi: 'PSI (중앙값)',
    features: '가장 많이 변한 특성',
    decision: '결정',
    retrain: '재학습',
    none: '최근 30일 동안 이 모델의 드리프트를 측정한 스윕이 없습니다.',
    notMonitored: '스윕은 이 모델의 드리프트를 측정하지 않습니다.',
    policy: '임계값 {threshold} · 정책 {policy}',
  },
};

export function Drift({ model }: { model: string }) {
  const t = useWords(WORDS);
  const drift = useLoad(() => api.get<ModelDrift>(`/models/${encodeURIComponent(model)}/drift`), [model]);
  const data = drift.data;
  return (
    <Section
      title={`${t.title} · ${model}`}
      testId="model-drift"
      actions={data && <span className="muted">{t.policy.replace('{threshold}', String(data.threshold)).replace('{policy}', data.policy)}</span>}
    >
      <ErrorNote error={drift.error} />
      <Loading when={drift.loading && !data} />
      {!data ? null : !data.monitored ? (
        <Empty>{t.notMonitored}</Empty>
      ) : data.days.length === 0 ? (
        <Empty>{t.none}</Empty>
      ) : (
        <div className="table-wrap">
          <table data-testid="model-drift-table">
            <thead>
              <tr>
                <th>{t.day}</th>
                <th>{t.version}</th>
                <th className="num">{t.series}</th>
                <th className="num">{t.samples}</th>
                <th className="num">{t.psi}</th>
                <th>{t.features}</th>
                <th>{t.decision}</th>
                <th>{t.retrain}</th>
              </tr>
            </thead>
            <tbody>
              {[...data.days].reverse().map((d) => (
                <tr key={`${d.day} ${d.model_version}`} data-decision={d.decision}>
                  <td>{d.day}</td>
                  <td className="mono">{d.model_version}</td>
                  <td className="num">{d.series}</td>
                  <td className="num">{d.samples.toLocaleString('en-US')}</td>
                  <td className="num">{d.psi > d.threshold ? <b>{d.psi.toFixed(3)}</b> : d.psi.toFixed(3)}</td>
                  <td className="mono">
                    {d.top_features
                      .slice(0, 3)
                      .map((f) => `${f.feature} ${f.psi.toFixed(2)}`)
                      .join(', ')}
                  </td>
                  <td title={d.reason}>{d.decision.replace(/_/g, ' ')}</td>
                  <td className="mono">{d.retrain_workflow_id ?? <span className="muted">–</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}
