// Retrain: start one (operator) and read the champion/challenger comparison its workflow returned.
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { api } from '../../api';
import { Empty, ErrorNote, Loading, ProgressBar, Section, TemporalLink, Time } from '../../components';
import { useAction, useLoad } from '../../hooks';
import { useWords, type Words } from '../../i18n';
import { useCan } from '../../session';
import { formatNumber } from './metrics';
import { percent } from '../../format';
import { jobPath, progressFraction, progressText, jobError, type JobDetail, type JobStarted, type JobSummary } from '../../jobs';
import { StatusBadge } from '../../status';

/** The models the retrain job trains (RetrainJobDto.model), and those trained in epochs (the detector is fitted in one pass). */
const RETRAINABLE = ['vibration-classifier', 'tep-detector', 'tep-lstm'] as const;
const EPOCH_TRAINED: readonly string[] = ['vibration-classifier', 'tep-lstm'];

interface HeldOutScore {
  metric: string;
  score: number;
  samples: number;
}

interface RetrainResult {
  model: string;
  version: number;
  promoted: boolean;
  decision: string;
  policy: string;
  margin: number;
  challenger: HeldOutScore;
  champion: { version: number; score: HeldOutScore } | null;
  training?: { unit?: string; train_samples?: number; held_out_samples?: number; seconds?: number };
  data_window?: { from: string; to: string; rows: number };
}

const isRetrainResult = (x: unknown): x is RetrainResult => typeof (x as RetrainResult | null)?.challenger?.score === 'number';

const WORDS: Words<
  | 'start'
  | 'model'
  | 'policy'
  | 'auto'
  | 'never'
  | 'force'
  | 'epochs'
  | 'epochsHint'
  | 'epochsTitle'
  | 'submit'
  | 'started'
  | 'last'
  | 'job'
  | 'startedAt'
  | 'closedAt'
  | 'noRetrain'
  | 'metric'
  | 'challenger'
  | 'champion'
  | 'difference'
  | 'margin'
  | 'noChampion'
  | 'decision'
  | 'promoted'
  | 'kept'
  | 'training'
  | 'samples'
  | 'heldOut'
  | 'seconds'
  | 'dataWindow'
  | 'rows'
> = {
  en: {
    start: 'Start a retrain',
    model: 'Model',
    policy: 'Promotion',
    auto: 'auto: promote if it beats the active version',
    never: 'never: register as a candidate',
    force: 'force: promote regardless (admin)',
    epochs: 'Epochs',
    epochsHint: 'default',
    epochsTitle: 'Leave blank for the shipped model’s setting',
    submit: 'Start retrain',
    started: 'Started',
    last: 'Last retrain: champion vs challenger',
    job: 'Retrain job',
    startedAt: 'Started',
    closedAt: 'Finished',
    noRetrain: 'No retrain has run yet.',
    metric: 'Held-out figure',
    challenger: 'Challenger',
    champion: 'Champion',
    difference: 'Difference',
    margin: 'Margin needed',
    noChampion: 'no active version',
    decision: 'Decision',
    promoted: '✓ promoted',
    kept: '✗ not promoted',
    training: 'Training',
    samples: 'samples',
    heldOut: 'held out',
    seconds: 's',
    dataWindow: 'Data window',
    rows: 'rows',
  },
  ko: {
    start: '재학습 시작',
    model: '모델',
    policy: '승격',
    auto: 'auto: 활성 버전보다 나으면 승격',
    never: 'never: 후보로만 등록',
    force: 'force: 무조건 승격 (관리자)',
    epochs: '에폭',
    epochsHint: '기본값',
    epochsTitle: '비우면 배포 모델의 설정을 씁니다',
    submit: '재학습 시작',
    started: '시작됨',
    last: '최근 재학습: 챔피언 대 도전자',
    job: '재학습 작업',
    startedAt: '시작',
    closedAt: '종료',
    noRetrain: '아직 재학습한 적이 없습니다.',
    metric: '검증 지표',
    challenger: '도전자',
    champion: '챔피언',
    difference: '차이',
    margin: '필요한 차이',
    noChampion: '활성 버전 없음',
    decision: '판정',
    promoted: '✓ 승격됨',
    kept: '✗ 승격 안 됨',
    training: '학습',
    samples: '샘플',
    heldOut: '검증용',
    seconds: '초',
    dataWindow: '데이터 구간',
    rows: '행',
  },
};

export function Retrain({ onFinished }: { onFinished: () => void }) {
  const t = useWords(WORDS);
  const can = useCan();
  const [model, setModel] = useState<string>(RETRAINABLE[0]);
  const [policy, setPolicy] = useState('auto');
  const [epochs, setEpochs] = useState('');
  const [started, setStarted] = useState<JobStarted>();
  const [chosen, setChosen] = useState<string>();

  const jobs = useLoad(() => api.get<JobSummary[]>('/jobs', { type: 'retrain', limit: 50 }), []);
  // One workflow id per model (retrain-<model>): the newest run of each.
  const latest = useMemo(() => {
    const seen = new Map<string, JobSummary>();
    for (const job of [...(jobs.data ?? [])].sort((a, b) => b.started_at.localeCompare(a.started_at))) if (!seen.has(job.workflow_id)) seen.set(job.workflow_id, job);
    return [...seen.values()];
  }, [jobs.data]);
  const id = chosen ?? latest[0]?.workflow_id;
  const options = id && !latest.some((j) => j.workflow_id === id) ? [id, ...latest.map((j) => j.workflow_id)] : latest.map((j) => j.workflow_id);

  const [running, setRunning] = useState(false);
  const job = useLoad(() => (id ? api.get<JobDetail>(jobPath(id)) : Promise.resolve(undefined)), [id], running ? 2000 : undefined);
  const current = job.data?.workflow_id === id ? job.data : undefined;

  // A retrain that finishes while watched has registered (maybe promoted) a version: the registry list must show it.
  const wasRunning = useRef(false);
  useEffect(() => {
    const now = current?.status === 'running';
    if (wasRunning.current && current && !now) onFinished();
    wasRunning.current = now;
    setRunning(now);
  }, [current, onFinished]);

  const start = useAction(
    useCallback(async (body: { model: string; promote: string; epochs?: number }) => {
      const res = await api.post<JobStarted>('/jobs/retrain', body);
      setStarted(res);
      setChosen(res.workflow_id);
      return res;
    }, []),
  );
  const reloadJobs = jobs.reload;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const res = await start.run({ model, promote: policy, epochs: EPOCH_TRAINED.includes(model) && epochs ? Number(epochs) : undefined });
    if (res) reloadJobs();
  };

  return (
    <div className="two">
      {can.write && (
        <Section title={t.start} testId="retrain-section">
          <form className="filters" data-testid="retrain-form" onSubmit={(e) => void submit(e)}>
            <label>
              {t.model}
              <select data-testid="retrain-model" value={model} onChange={(e) => setModel(e.target.value)}>
                {RETRAINABLE.map((name) => (
                  <option key={name} value={name}>
                    {name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t.policy}
              <select data-testid="retrain-promote" value={policy} onChange={(e) => setPolicy(e.target.value)}>
                <option value="auto">{t.auto}</option>
                <option value="never">{t.never}</option>
                {can.admin && <option value="force">{t.force}</option>}
              </select>
            </label>
            {EPOCH_TRAINED.includes(model) && (
              <label>
                {t.epochs}
                <input
                  data-testid="retrain-epochs"
                  type="number"
                  min={1}
                  max={500}
                  step={1}
                  placeholder={t.epochsHint}
                  title={t.epochsTitle}
                  value={epochs}
                  onChange={(e) => setEpochs(e.target.value)}
                />
              </label>
            )}
            <button type="submit" data-testid="retrain-start" disabled={start.busy}>
              {t.submit}
            </button>
          </form>
          <ErrorNote error={start.error} />
          {started && (
            <p data-testid="retrain-started">
              {t.started}: <span className="mono">{started.workflow_id}</span>{' '}
              <TemporalLink href={started.temporal_ui_url} data-testid="retrain-temporal-link" data-workflow-id={started.workflow_id} />
            </p>
          )}
        </Section>
      )}

      <Section
        title={t.last}
        testId="retrain-comparison"
        actions={
          options.length > 1 && (
            <select aria-label={t.job} data-testid="retrain-job-picker" value={id} onChange={(e) => setChosen(e.target.value)}>
              {options.map((workflowId) => (
                <option key={workflowId} value={workflowId}>
                  {workflowId}
                </option>
              ))}
            </select>
          )
        }
      >
        <ErrorNote error={jobs.error ?? job.error} />
        <Loading when={(jobs.loading && !jobs.data) || (!!id && !current && job.loading)} />
        {jobs.data && !id && <Empty>{t.noRetrain}</Empty>}
        {current && <JobView job={current} />}
      </Section>
    </div>
  );
}

function JobView({ job }: { job: JobDetail }) {
  const t = useWords(WORDS);
  const result = job.result;
  return (
    <div data-testid="retrain-job" data-workflow-id={job.workflow_id} data-status={job.status}>
      <p>
        <span className="mono">{job.workflow_id}</span> <StatusBadge status={job.status} /> · {t.startedAt} <Time value={job.started_at} />
        {job.closed_at && (
          <>
            {' '}
            · {t.closedAt} <Time value={job.closed_at} />
          </>
        )}{' '}
        <TemporalLink href={job.temporal_ui_url} />
      </p>
      {job.status === 'running' && job.progress && (
        <div>
          <span className="muted">{progressText(job.progress)}</span>
          <ProgressBar value={progressFraction(job.progress)} label={job.progress.phase} />
        </div>
      )}
      {job.error && <ErrorNote error={jobError(job.error)} />}
      {isRetrainResult(result) && <Comparison result={result} />}
    </div>
  );
}

function Comparison({ result }: { result: RetrainResult }) {
  const t = useWords(WORDS);
  const { challenger, champion } = result;
  const diff = champion ? challenger.score - champion.score.score : undefined;
  return (
    <>
      <div className="table-wrap">
        <table data-testid="retrain-result">
          <thead>
            <tr>
              <th>{t.metric}</th>
              <th className="num">
                {t.challenger} ({result.model} v{result.version})
              </th>
              <th className="num">{champion ? `${t.champion} (v${champion.version})` : t.champion}</th>
              <th className="num">{t.difference}</th>
              <th className="num">{t.margin}</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <td>{challenger.metric}</td>
              <td className="num" data-testid="challenger-score">
                {percent(challenger.score, 2)} <span className="muted">({challenger.samples})</span>
              </td>
              <td className="num" data-testid="champion-score">
                {champion ? (
                  <>
                    {percent(champion.score.score, 2)} <span className="muted">({champion.score.samples})</span>
                  </>
                ) : (
                  <span className="muted">{t.noChampion}</span>
                )}
              </td>
              <td className="num">{diff === undefined ? '–' : `${diff >= 0 ? '+' : ''}${(100 * diff).toFixed(2)} pp`}</td>
              <td className="num">{(100 * result.margin).toFixed(2)} pp</td>
            </tr>
          </tbody>
        </table>
      </div>
      <p data-testid="retrain-decision" data-promoted={result.promoted}>
        <span className="badge" style={{ color: result.promoted ? '#009E73' : '#5d6675', borderColor: result.promoted ? '#009E73' : '#5d6675' }}>
          {result.promoted ? t.promoted : t.kept}
        </span>{' '}
        <span className="muted">
          {t.decision} ({result.policy}):
        </span>{' '}
        {result.decision}
      </p>
      {result.training && (
        <p className="muted">
          {t.training}: {result.training.train_samples ?? '–'} {result.training.unit ?? t.samples}, {t.heldOut} {result.training.held_out_samples ?? '–'}
          {result.training.seconds !== undefined && `, ${formatNumber(result.training.seconds)} ${t.seconds}`}
        </p>
      )}
      {result.data_window && (
        <p className="muted">
          {t.dataWindow}: <Time value={result.data_window.from} /> – <Time value={result.data_window.to} /> ({result.data_window.rows} {t.rows})
        </p>
      )}
    </>
  );
}
