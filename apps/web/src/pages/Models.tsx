// Model registry: versions with their status and metrics, a version's confusion matrix, retraining, and (admin) promote / roll back.
import { useCallback, useMemo, useState } from 'react';
import { api } from '../api';
import { Chart } from '../chart';
import { Empty, ErrorNote, Loading, Section, Time } from '../components';
import { FAULT_STYLE, faultName, type FaultType } from '../faults';
import { useAction, useLoad } from '../hooks';
import { useLang, useWords, type Words } from '../i18n';
import { StatusBadge } from '../status';
import { useCan } from '../session';
import { confusionMatrices, confusionOption, flatten, formatNumber, headline, type Metrics } from './models/metrics';
import { Drift } from './models/Drift';
import { Retrain } from './models/Retrain';

interface ModelVersion {
  name: string;
  version: number;
  status: string;
  checksum: string;
  metrics: Metrics | null;
  training_window: Metrics | null;
  created_by: string | null;
  created_at: string;
  promoted_at: string | null;
}

type Pending = { kind: 'promote'; name: string; version: number } | { kind: 'rollback'; name: string };

const WORDS: Words<
  | 'title'
  | 'name'
  | 'version'
  | 'status'
  | 'headline'
  | 'createdBy'
  | 'createdAt'
  | 'promotedAt'
  | 'details'
  | 'promote'
  | 'rollback'
  | 'confirmPromote'
  | 'confirmRollback'
  | 'confirm'
  | 'cancel'
  | 'nowActive'
  | 'noModels'
  | 'metrics'
  | 'figure'
  | 'value'
  | 'noMetrics'
  | 'checksum'
  | 'trainingWindow'
  | 'confusion'
  | 'matrix'
  | 'noConfusion'
  | 'actual'
  | 'predicted'
> = {
  en: {
    title: 'Model registry',
    name: 'Model',
    version: 'Version',
    status: 'Status',
    headline: 'Held-out score',
    createdBy: 'Created by',
    createdAt: 'Created at',
    promotedAt: 'Promoted at',
    details: 'Details',
    promote: 'Promote',
    rollback: 'Roll back',
    confirmPromote: 'Make {model} v{version} the active version? The version active now is retired.',
    confirmRollback: 'Put back the version of {model} that was active before the current one?',
    confirm: 'Confirm',
    cancel: 'Cancel',
    nowActive: '{model} v{version} is now active.',
    noModels: 'No model is registered.',
    metrics: 'Metrics',
    figure: 'Figure',
    value: 'Value',
    noMetrics: 'This version has no recorded metrics.',
    checksum: 'SHA-256',
    trainingWindow: 'Training window',
    confusion: 'Confusion matrix',
    matrix: 'Matrix',
    noConfusion: 'This version’s metrics hold no confusion matrix.',
    actual: 'Actual',
    predicted: 'Predicted',
  },
  ko: {
    title: '모델 레지스트리',
    name: '모델',
    version: '버전',
    status: '상태',
    headline: '검증 점수',
    createdBy: '생성자',
    createdAt: '생성 시각',
    promotedAt: '승격 시각',
    details: '상세',
    promote: '승격',
    rollback: '롤백',
    confirmPromote: '{model} v{version}을(를) 활성 버전으로 만들까요? 현재 활성 버전은 퇴역합니다.',
    confirmRollback: '{model}의 현재 버전 이전에 활성이던 버전으로 되돌릴까요?',
    confirm: '확인',
    cancel: '취소',
    nowActive: '{model} v{version}이(가) 이제 활성입니다.',
    noModels: '등록된 모델이 없습니다.',
    metrics: '지표',
    figure: '항목',
    value: '값',
    noMetrics: '이 버전에는 기록된 지표가 없습니다.',
    checksum: 'SHA-256',
    trainingWindow: '학습 데이터 구간',
    confusion: '혼동 행렬',
    matrix: '행렬',
    noConfusion: '이 버전의 지표에는 혼동 행렬이 없습니다.',
    actual: '실제',
    predicted: '예측',
  },
};

const fill = (text: string, model: string, version?: number) => text.replace('{model}', model).replace('{version}', String(version ?? ''));

export default function Models() {
  const t = useWords(WORDS);
  const can = useCan();
  const models = useLoad(() => api.get<ModelVersion[]>('/models'), []);
  const versions = useMemo(() => [...(models.data ?? [])].sort((a, b) => a.name.localeCompare(b.name) || b.version - a.version), [models.data]);
  const names = useMemo(() => [...new Set(versions.map((v) => v.name))], [versions]);

  const [chosen, setChosen] = useState<{ name: string; version: number }>();
  // By default the first active version with a confusion matrix: the most telling one to open on.
  const selected = useMemo(() => {
    const found = chosen && versions.find((v) => v.name === chosen.name && v.version === chosen.version);
    return found ?? versions.find((v) => v.status === 'active' && confusionMatrices(v.metrics).length > 0) ?? versions[0];
  }, [chosen, versions]);
  const detail = useLoad(
    () => (selected ? api.get<ModelVersion>(`/models/${encodeURIComponent(selected.name)}/${selected.version}`) : Promise.resolve(undefined)),
    [selected?.name, selected?.version],
  );
  const shown = detail.data && detail.data.name === selected?.name && detail.data.version === selected.version ? detail.data : selected;

  const [pending, setPending] = useState<Pending>();
  const [done, setDone] = useState<ModelVersion>();
  const reloadModels = models.reload;
  const reloadDetail = detail.reload;
  const action = useAction(
    useCallback(
      async (p: Pending) => {
        const res =
          p.kind === 'promote'
            ? await api.post<ModelVersion>(`/models/${encodeURIComponent(p.name)}/${p.version}/promote`)
            : await api.post<ModelVersion>(`/models/${encodeURIComponent(p.name)}/rollback`);
        setDone(res);
        setPending(undefined);
        reloadModels();
        reloadDetail();
      },
      [reloadModels, reloadDetail],
    ),
  );
  const ask = (p: Pending) => (setDone(undefined), setPending(p));
  const refresh = useCallback(() => (reloadModels(), reloadDetail()), [reloadModels, reloadDetail]);

  // Rolling back needs a version that was active before (promoted once, retired since).
  const canRollBack = (name: string) => versions.some((v) => v.name === name && v.status === 'retired' && v.promoted_at);

  return (
    <div className="page" data-testid="page-models">
      <Section
        title={t.title}
        testId="models-section"
        actions={
          can.admin &&
          names.filter(canRollBack).map((name) => (
            <button key={name} type="button" className="secondary" data-testid={`rollback-${name}`} disabled={action.busy} onClick={() => ask({ kind: 'rollback', name })}>
              {t.rollback} {name}
            </button>
          ))
        }
      >
        <ErrorNote error={models.error} />
        <Loading when={models.loading && !models.data} />
        {pending && (
          <div className="row error" data-testid="confirm-bar" style={{ alignItems: 'center', marginBottom: '0.6rem' }}>
            <span style={{ flex: 1 }}>{pending.kind === 'promote' ? fill(t.confirmPromote, pending.name, pending.version) : fill(t.confirmRollback, pending.name)}</span>
            <button type="button" className="danger" data-testid="confirm-yes" disabled={action.busy} onClick={() => void action.run(pending)}>
              {t.confirm}
            </button>
            <button type="button" className="secondary" data-testid="confirm-no" onClick={() => setPending(undefined)}>
              {t.cancel}
            </button>
          </div>
        )}
        <ErrorNote error={action.error} />
        {done && (
          <p data-testid="model-action-done" role="status">
            {fill(t.nowActive, done.name, done.version)}
          </p>
        )}
        {models.data && versions.length === 0 && <Empty>{t.noModels}</Empty>}
        {versions.length > 0 && (
          <div className="table-wrap">
            <table data-testid="models-table">
              <thead>
                <tr>
                  <th>{t.name}</th>
                  <th className="num">{t.version}</th>
                  <th>{t.status}</th>
                  <th className="num">{t.headline}</th>
                  <th>{t.createdBy}</th>
                  <th>{t.createdAt}</th>
                  <th>{t.promotedAt}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {versions.map((v) => {
                  const score = headline(v.metrics);
                  const isSelected = v === selected;
                  return (
                    <tr
                      key={`${v.name}@${v.version}`}
                      data-testid={`model-${v.name}-${v.version}`}
                      data-status={v.status}
                      aria-selected={isSelected}
                      style={isSelected ? { background: '#eaf2fb' } : undefined}
                    >
                      <td className="mono">{v.name}</td>
                      <td className="num">v{v.version}</td>
                      <td>
                        <StatusBadge status={v.status} />
                      </td>
                      <td className="num" title={score?.path}>
                        {score ? `${(100 * score.value).toFixed(2)} %` : '–'}
                        {score && <div className="muted">{score.path.split('.').pop()}</div>}
                      </td>
                      <td>{v.created_by ?? '–'}</td>
                      <td>
                        <Time value={v.created_at} />
                      </td>
                      <td>
                        <Time value={v.promoted_at} />
                      </td>
                      <td>
                        <div className="row" style={{ flexWrap: 'nowrap' }}>
                          <button type="button" className="secondary" data-testid={`select-${v.name}-${v.version}`} onClick={() => setChosen({ name: v.name, version: v.version })}>
                            {t.details}
                          </button>
                          {can.admin && v.status !== 'active' && (
                            <button
                              type="button"
                              data-testid={`promote-${v.name}-${v.version}`}
                              disabled={action.busy}
                              onClick={() => ask({ kind: 'promote', name: v.name, version: v.version })}
                            >
                              {t.promote}
                            </button>
                          )}
                        </div>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Section>

      {shown && (
        <div className="two">
          <Section title={`${t.metrics} · ${shown.name} v${shown.version}`} testId="model-metrics">
            <ErrorNote error={detail.error} />
            <p>
              <StatusBadge status={shown.status} />{' '}
              <span className="muted">
                {t.checksum}{' '}
                <span className="mono" title={shown.checksum}>
                  {shown.checksum.slice(0, 16)}…
                </span>
              </span>
            </p>
            {shown.training_window && <FigureTable label={t.trainingWindow} rows={flatten(shown.training_window)} testId="model-training-window" />}
            {shown.metrics ? <FigureTable label={t.metrics} rows={flatten(shown.metrics)} testId="model-metrics-table" /> : <Empty>{t.noMetrics}</Empty>}
          </Section>
          <ConfusionView model={shown} />
        </div>
      )}
      {shown && <Drift model={shown.name} />}

      <Retrain onFinished={refresh} />
    </div>
  );
}

function FigureTable({ label, rows, testId }: { label: string; rows: [string, string | number | boolean][]; testId: string }) {
  const t = useWords(WORDS);
  return (
    <>
      <h3 className="muted" style={{ fontSize: '0.95rem', margin: '0.6rem 0 0.2rem' }}>
        {label}
      </h3>
      <div className="table-wrap" style={{ maxHeight: 420, overflowY: 'auto' }}>
        <table data-testid={testId} aria-label={label}>
          <thead>
            <tr>
              <th>{t.figure}</th>
              <th className="num">{t.value}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(([path, value]) => (
              <tr key={path}>
                <td className="mono">{path}</td>
                <td className="num">{typeof value === 'number' ? formatNumber(value) : String(value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

function ConfusionView({ model }: { model: ModelVersion }) {
  const t = useWords(WORDS);
  const lang = useLang();
  const matrices = useMemo(() => confusionMatrices(model.metrics), [model.metrics]);
  const [path, setPath] = useState<string>();
  const current = matrices.find((m) => m.path === path) ?? matrices[0];
  const option = useMemo(() => {
    if (!current) return undefined;
    const n = current.matrix.length;
    const classes = Array.isArray(model.metrics?.classes) && model.metrics.classes.length === n ? (model.metrics.classes as unknown[]).map(String) : undefined;
    // The vibration classifier's classes are the fault types 0..3: named (and marked) as everywhere else.
    const labels = Array.from({ length: n }, (_, i) =>
      model.name === 'vibration-classifier' && i in FAULT_STYLE ? `${FAULT_STYLE[i as FaultType].glyph} ${faultName(i, lang)}` : (classes?.[i] ?? String(i)),
    );
    return confusionOption(current.matrix, labels, { actual: t.actual, predicted: t.predicted });
  }, [current, model, lang, t]);
  return (
    <Section
      title={t.confusion}
      testId="confusion-section"
      actions={
        matrices.length > 1 && (
          <select aria-label={t.matrix} data-testid="confusion-picker" value={current?.path} onChange={(e) => setPath(e.target.value)}>
            {matrices.map((m) => (
              <option key={m.path} value={m.path}>
                {m.path}
              </option>
            ))}
          </select>
        )
      }
    >
      {option ? (
        <>
          <p className="muted mono">{current?.path}</p>
          <Chart label="confusion-matrix" option={option} height={340} />
        </>
      ) : (
        <Empty>{t.noConfusion}</Empty>
      )}
    </Section>
  );
}
