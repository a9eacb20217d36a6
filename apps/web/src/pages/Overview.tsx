import { Fragment, useMemo, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api';
import { Chart, type ChartOption } from '../chart';
import { Empty, ErrorNote, FaultBadge, HealthScore, Loading, Section, TemporalLink, Time } from '../components';
import { healthColor } from '../faults';
import { useLoad } from '../hooks';
import { useWords, type Words } from '../i18n';
import { percent } from '../format';
import { StatusBadge } from '../status';

interface Equipment {
  name: string;
  display_name: string;
  kind: string;
}
interface EquipmentHealth {
  day: string | null;
  health_score: number | null;
  trend: { day: string; health_score: number | null }[];
  current_fault_type: number | null;
  since: string | null;
  last_diagnosed_at: string | null;
  explanation: string;
}
interface KpiLot {
  lot_code: string;
  equipment: string;
  samples: number;
  anomaly_count: number;
  anomaly_rate: number;
  first_alarm_at: string | null;
}
interface JobSummary {
  workflow_id: string;
  status: string;
  started_at: string;
  closed_at: string | null;
  temporal_ui_url: string;
}
interface Report {
  report_id: number;
  title: string;
  type: string;
  status: string;
  created_at: string;
  finished_at: string | null;
  temporal_ui_url: string | null;
}
interface Page<T> {
  items: T[];
  total: number;
}

const WORDS: Words<
  | 'machines'
  | 'since'
  | 'sinceAfter'
  | 'lastDiagnosis'
  | 'trend'
  | 'lots'
  | 'lot'
  | 'equipment'
  | 'samples'
  | 'anomalies'
  | 'anomalyRate'
  | 'firstAlarm'
  | 'sweep'
  | 'noSweep'
  | 'status'
  | 'started'
  | 'finished'
  | 'report'
  | 'noReport'
  | 'created'
  | 'allReports'
  | 'workflow'
  | 'reportTitle'
> = {
  en: {
    machines: 'Machines',
    since: 'since ',
    sinceAfter: '',
    lastDiagnosis: 'Last diagnosis',
    trend: 'health trend, 30 days',
    lots: 'Process lots',
    lot: 'Lot',
    equipment: 'Unit',
    samples: 'Samples',
    anomalies: 'Anomalies',
    anomalyRate: 'Anomaly rate',
    firstAlarm: 'First alarm',
    sweep: 'Last diagnosis sweep',
    noSweep: 'No sweep has run yet',
    status: 'Status',
    started: 'Started',
    finished: 'Finished',
    report: 'Latest report',
    noReport: 'No report yet',
    created: 'Created',
    allReports: 'All reports',
    workflow: 'Workflow',
    reportTitle: 'Report',
  },
  ko: {
    machines: '설비',
    since: '',
    sinceAfter: ' 부터',
    lastDiagnosis: '최근 진단',
    trend: '건강도 추이, 30일',
    lots: '공정 로트',
    lot: '로트',
    equipment: '공정',
    samples: '샘플',
    anomalies: '이상',
    anomalyRate: '이상률',
    firstAlarm: '첫 경보',
    sweep: '최근 진단 스윕',
    noSweep: '아직 실행된 스윕 없음',
    status: '상태',
    started: '시작',
    finished: '종료',
    report: '최근 보고서',
    noReport: '아직 보고서 없음',
    created: '생성',
    allReports: '모든 보고서',
    workflow: '워크플로',
    reportTitle: '보고서',
  },
};

export default function Overview() {
  const t = useWords(WORDS);
  // Every request starts on mount, side by side; a card fetches its own health as soon as the machine list is in.
  const equipment = useLoad(() => api.get<Page<Equipment>>('/equipment', { kind: 'rotating_machine' }), []);
  const lots = useLoad(() => api.get<Page<KpiLot>>('/kpi/lots'), []);
  return (
    <div className="page" data-testid="page-overview">
      <Section title={t.machines} testId="machines">
        <ErrorNote error={equipment.error} />
        <Loading when={equipment.loading && !equipment.data} />
        {equipment.data && equipment.data.items.length === 0 && <Empty />}
        <div className="grid">
          {equipment.data?.items.map((e) => (
            <MachineCard key={e.name} machine={e} />
          ))}
        </div>
      </Section>
      <div className="two">
        <SweepCard />
        <ReportCard />
      </div>
      <Section title={t.lots} testId="lots">
        <ErrorNote error={lots.error} />
        <Loading when={lots.loading && !lots.data} />
        {lots.data && lots.data.items.length === 0 && <Empty />}
        {lots.data && lots.data.items.length > 0 && (
          <div className="table-wrap">
            <table data-testid="lot-table">
              <thead>
                <tr>
                  <th>{t.lot}</th>
                  <th>{t.equipment}</th>
                  <th className="num">{t.samples}</th>
                  <th className="num">{t.anomalies}</th>
                  <th className="num">{t.anomalyRate}</th>
                  <th>{t.firstAlarm}</th>
                </tr>
              </thead>
              <tbody>
                {lots.data.items.map((l) => (
                  <tr key={l.lot_code} data-testid="lot-row" data-lot={l.lot_code}>
                    <td>
                      <Link to={`/process?lot=${encodeURIComponent(l.lot_code)}`}>{l.lot_code}</Link>
                    </td>
                    <td>{l.equipment}</td>
                    <td className="num">{l.samples}</td>
                    <td className="num" data-testid="lot-anomalies">
                      {l.anomaly_count}
                    </td>
                    <td className="num">{percent(l.anomaly_rate)}</td>
                    <td>
                      <Time value={l.first_alarm_at} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
    </div>
  );
}

function MachineCard({ machine }: { machine: Equipment }) {
  const t = useWords(WORDS);
  const health = useLoad(() => api.get<EquipmentHealth>(`/equipment/${encodeURIComponent(machine.name)}/health`), [machine.name]);
  const h = health.data;
  return (
    <Link
      to={`/machine?machine=${encodeURIComponent(machine.name)}`}
      className="card"
      data-testid="machine-card"
      data-machine={machine.name}
      style={{ color: 'inherit', textDecoration: 'none' }}
    >
      <div className="card-head">
        <h2>{machine.name}</h2>
        <span title={h?.explanation}>
          <HealthScore score={h?.health_score} />
        </span>
      </div>
      <div className="muted">{machine.display_name}</div>
      <ErrorNote error={health.error} />
      <Loading when={health.loading && !h} />
      {h && (
        <>
          <div className="row" style={{ alignItems: 'center', marginTop: '0.4rem' }}>
            <FaultBadge fault={h.current_fault_type} />
            {h.since && (
              <span className="muted">
                {t.since}
                <Time value={h.since} />
                {t.sinceAfter}
              </span>
            )}
          </div>
          <Sparkline trend={h.trend} score={h.health_score} label={`${machine.name} ${t.trend}`} />
          <div className="muted">
            {t.lastDiagnosis}: <Time value={h.last_diagnosed_at} />
          </div>
        </>
      )}
    </Link>
  );
}

function Sparkline({ trend, score, label }: { trend: EquipmentHealth['trend']; score: number | null; label: string }) {
  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 2, right: 2, top: 4, bottom: 4 },
      xAxis: { type: 'category', show: false, data: trend.map((p) => p.day) },
      yAxis: { type: 'value', show: false, min: 0, max: 100 },
      tooltip: { trigger: 'axis', valueFormatter: (v) => (typeof v === 'number' ? v.toFixed(1) : '–') },
      series: [
        { type: 'line', data: trend.map((p) => p.health_score), showSymbol: false, lineStyle: { color: healthColor(score), width: 2 }, itemStyle: { color: healthColor(score) } },
      ],
    }),
    [trend, score],
  );
  return <Chart option={option} height={48} label={label} />;
}

function SweepCard() {
  const t = useWords(WORDS);
  const jobs = useLoad(() => api.get<JobSummary[]>('/jobs', { type: 'diagnosis-sweep', limit: 1 }), []);
  const job = jobs.data?.[0];
  return (
    <Section title={t.sweep} testId="sweep" actions={job && <TemporalLink href={job.temporal_ui_url} />}>
      <ErrorNote error={jobs.error} />
      <Loading when={jobs.loading && !jobs.data} />
      {jobs.data && !job && <Empty>{t.noSweep}</Empty>}
      {job && (
        <Facts
          rows={[
            [
              t.status,
              <span key="status" data-testid="sweep-status" data-status={job.status}>
                <StatusBadge status={job.status} />
              </span>,
            ],
            [t.started, <Time key="started" value={job.started_at} />],
            [t.finished, <Time key="finished" value={job.closed_at} />],
            [
              t.workflow,
              <span key="workflow" className="mono">
                {job.workflow_id}
              </span>,
            ],
          ]}
        />
      )}
    </Section>
  );
}

function ReportCard() {
  const t = useWords(WORDS);
  // The latest weekly report, else the latest of any type: both asked at once rather than one after the other.
  const reports = useLoad(() => Promise.all([api.get<Page<Report>>('/reports', { type: 'weekly', limit: 1 }), api.get<Page<Report>>('/reports', { limit: 1 })]), []);
  const report = reports.data && (reports.data[0].items[0] ?? reports.data[1].items[0]);
  return (
    <Section
      title={t.report}
      testId="report"
      actions={
        <span className="row">
          {report && <TemporalLink href={report.temporal_ui_url} />}
          <Link to="/reports">{t.allReports}</Link>
        </span>
      }
    >
      <ErrorNote error={reports.error} />
      <Loading when={reports.loading && !reports.data} />
      {reports.data && !report && <Empty>{t.noReport}</Empty>}
      {report && (
        <Facts
          rows={[
            [
              t.reportTitle,
              <Link key="title" to="/reports" data-testid="report-title">
                {report.title}
              </Link>,
            ],
            [
              t.status,
              <span key="status" data-testid="report-status" data-status={report.status}>
                <StatusBadge status={report.status} />
              </span>,
            ],
            [t.created, <Time key="created" value={report.created_at} />],
            [t.finished, <Time key="finished" value={report.finished_at} />],
          ]}
        />
      )}
    </Section>
  );
}

function Facts({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="facts">
      {rows.map(([label, value]) => (
        <Fragment key={label}>
          <dt className="muted">{label}</dt>
          <dd>{value}</dd>
        </Fragment>
      ))}
    </dl>
  );
}
