import { useEffect, useState } from 'react';
import { api } from '../../api';
import { Empty, ErrorNote, FilterSelect, Loading, ProgressBar, Section, TemporalLink, Time } from '../../components';
import { useAction, useFilters, useLoad } from '../../hooks';
import { useWords, type Words } from '../../i18n';
import { useCan } from '../../session';
import { StatusBadge } from '../../status';
import { jobPath, progressFraction, progressText, type JobDetail, type JobProgress, type JobSummary } from '../../jobs';

const JOB_TYPES = ['ingest', 'diagnosis-sweep', 'kpi-rollup', 'report', 'weekly-report', 'report-retention', 'retrain', 'audit-retention'];
const JOB_STATUSES = ['running', 'completed', 'failed', 'cancelled', 'terminated', 'timed_out', 'continued_as_new'];
const PAGE = 20;
const MAX_LIMIT = 500;
const POLL_MS = 2000;

type JobRow = JobSummary & { progress: JobProgress | null };

const WORDS: Words<'title' | 'type' | 'status' | 'job' | 'started' | 'closed' | 'progress' | 'cancel' | 'more' | 'count'> = {
  en: {
    title: 'Jobs',
    type: 'Type',
    status: 'Status',
    job: 'Job',
    started: 'Started',
    closed: 'Closed',
    progress: 'Progress',
    cancel: 'Cancel',
    more: 'Show more',
    count: 'shown',
  },
  ko: {
    title: '작업',
    type: '유형',
    status: '상태',
    job: '작업',
    started: '시작',
    closed: '종료',
    progress: '진행',
    cancel: '취소',
    more: '더 보기',
    count: '표시',
  },
};

/** The list holds no progress: running jobs are asked one by one (there are few). */
async function loadJobs(type: string, status: string, limit: number): Promise<JobRow[]> {
  const jobs = await api.get<JobSummary[]>('/jobs', { type, status, limit });
  return Promise.all(jobs.map(async (job) => ({ ...job, progress: job.status === 'running' ? (await api.get<JobDetail>(jobPath(job.workflow_id))).progress : null })));
}

/** Recent workflows, refreshed every 2 s while any of them runs; `refreshKey` reloads it after a start elsewhere on the page. */
export function JobList({ refreshKey }: { refreshKey: number }) {
  const t = useWords(WORDS);
  const can = useCan();
  const [filters, setFilters] = useFilters();
  const { type = '', status = '' } = filters;
  const [limit, setLimit] = useState(PAGE);
  const [polling, setPolling] = useState(false);
  const jobs = useLoad(() => loadJobs(type, status, limit), [type, status, limit, refreshKey], polling ? POLL_MS : undefined);
  useEffect(() => setPolling(jobs.data?.some((job) => job.status === 'running') ?? false), [jobs.data]);
  const cancel = useAction(async (workflowId: string) => {
    await api.post(`${jobPath(workflowId)}/cancel`);
    jobs.reload();
  });

  const setParam = (name: 'type' | 'status', value: string) => {
    setLimit(PAGE);
    setFilters({ [name]: value });
  };

  return (
    <Section
      title={t.title}
      testId="jobs"
      actions={
        <div className="filters">
          <FilterSelect label={t.type} value={type} names={JOB_TYPES} onChange={(value) => setParam('type', value)} testId="jobs-type" />
          <FilterSelect label={t.status} value={status} names={JOB_STATUSES} onChange={(value) => setParam('status', value)} testId="jobs-status" />
        </div>
      }
    >
      <ErrorNote error={jobs.error} />
      <ErrorNote error={cancel.error} />
      <Loading when={jobs.loading && !jobs.data} />
      {jobs.data && jobs.data.length === 0 && <Empty />}
      {jobs.data && jobs.data.length > 0 && (
        <div className="table-wrap">
          <table data-testid="jobs-table">
            <thead>
              <tr>
                <th>{t.job}</th>
                <th>{t.type}</th>
                <th>{t.status}</th>
                <th>{t.started}</th>
                <th>{t.closed}</th>
                <th>{t.progress}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {jobs.data.map((job) => (
                <tr key={`${job.workflow_id}/${job.run_id}`} data-testid="job-row" data-workflow-id={job.workflow_id} data-status={job.status}>
                  <td>
                    <div>{job.main_entity ?? job.workflow_id}</div>
                    <div className="muted mono">{job.workflow_id}</div>
                  </td>
                  <td>{job.type ?? '–'}</td>
                  <td>
                    <StatusBadge status={job.status} />
                  </td>
                  <td>
                    <Time value={job.started_at} />
                  </td>
                  <td>
                    <Time value={job.closed_at} />
                  </td>
                  <td>
                    {job.status === 'running' && (
                      <>
                        <ProgressBar value={progressFraction(job.progress)} label={`${t.progress} ${job.workflow_id}`} />
                        <div className="muted">{progressText(job.progress)}</div>
                      </>
                    )}
                  </td>
                  <td>
                    <div className="row">
                      <TemporalLink href={job.temporal_ui_url} />
                      {can.write && job.status === 'running' && (
                        <button type="button" className="danger" disabled={cancel.busy} onClick={() => void cancel.run(job.workflow_id)} data-testid={`cancel-${job.workflow_id}`}>
                          {t.cancel}
                        </button>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {jobs.data && jobs.data.length >= limit && limit < MAX_LIMIT && (
        <div className="row">
          <span className="muted">
            {jobs.data.length} {t.count}
          </span>
          <button type="button" className="secondary" onClick={() => setLimit((l) => Math.min(MAX_LIMIT, l + PAGE))} data-testid="jobs-more">
            {t.more}
          </button>
        </div>
      )}
    </Section>
  );
}
