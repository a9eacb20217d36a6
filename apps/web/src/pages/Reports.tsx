import { useEffect, useState } from 'react';
import { api } from '../api';
import { Empty, ErrorNote, FilterSelect, Loading, Section, TemporalLink, Time } from '../components';
import { useAction, useFilters, useLoad } from '../hooks';
import { COMMON, useWords, type Words } from '../i18n';
import { useCan } from '../session';
import { StatusBadge } from '../status';
import { ReportForm } from './reports/ReportForm';

interface ReportFile {
  format: string;
  bytes: number;
  sha256: string;
  file_name: string;
}
interface Report {
  report_id: number;
  title: string;
  type: string;
  status: string;
  params: { from: string; to: string; equipment: string[]; lots: string[]; formats: string[]; lang: string };
  files: ReportFile[];
  data_window: { from: string | null; to: string | null } | null;
  model_versions: Record<string, string> | null;
  row_counts: Record<string, number> | null;
  data_checksum: string | null;
  temporal_ui_url: string | null;
  error: string | null;
  created_by: string | null;
  created_at: string;
  finished_at: string | null;
  purged_at: string | null;
}
interface ReportPage {
  items: Report[];
  total: number;
}

const PAGE = 20;
// from/to are shared with other pages, where they may carry times; the list filters whole days.
const asDay = (value: string | undefined): string | undefined => (value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : undefined);
const POLL_MS = 2000;
const TYPES = ['daily', 'weekly', 'equipment', 'lot'];
const STATUSES = ['pending', 'running', 'ready', 'failed', 'purged'];

const WORDS: Words<
  | 'title'
  | 'type'
  | 'status'
  | 'createdFrom'
  | 'createdTo'
  | 'report'
  | 'range'
  | 'created'
  | 'finished'
  | 'files'
  | 'details'
  | 'hide'
  | 'previous'
  | 'next'
  | 'of'
  | 'scope'
  | 'allEquipment'
  | 'dataWindow'
  | 'models'
  | 'rows'
  | 'checksum'
  | 'by'
  | 'purged'
  | 'lang'
> = {
  en: {
    title: 'Reports',
    type: 'Type',
    status: 'Status',
    createdFrom: 'Created from',
    createdTo: 'Created to',
    report: 'Report',
    range: 'Days',
    created: 'Created',
    finished: 'Finished',
    files: 'Files',
    details: 'Details',
    hide: 'Hide',
    previous: 'Previous',
    next: 'Next',
    of: 'of',
    scope: 'Equipment / lots',
    allEquipment: 'all',
    dataWindow: 'Data window',
    models: 'Model versions',
    rows: 'Rows',
    checksum: 'Data checksum (SHA-256)',
    by: 'Requested by',
    purged: 'Files deleted',
    lang: 'Language',
  },
  ko: {
    title: '보고서',
    type: '유형',
    status: '상태',
    createdFrom: '생성 시작일',
    createdTo: '생성 종료일',
    report: '보고서',
    range: '기간',
    created: '생성',
    finished: '완료',
    files: '파일',
    details: '상세',
    hide: '닫기',
    previous: '이전',
    next: '다음',
    of: '/',
    scope: '설비 / 로트',
    allEquipment: '전체',
    dataWindow: '데이터 구간',
    models: '모델 버전',
    rows: '행 수',
    checksum: '데이터 체크섬(SHA-256)',
    by: '요청자',
    purged: '파일 삭제됨',
    lang: '언어',
  },
};

/** Saves a downloaded file the way a link would: an object URL behind a temporary <a download>. */
function save(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Revoked after the click has handed the URL to the download.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const formatBytes = (bytes: number): string => (bytes < 1024 ? `${bytes} B` : bytes < 1024 ** 2 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 ** 2).toFixed(1)} MiB`);

/** Report generation (operators) and the list of reports, refreshed every 2 s while any is being made. */
export default function Reports() {
  const t = useWords(WORDS);
  const common = useWords(COMMON);
  const can = useCan();
  const [filters, setFilters] = useFilters();
  const { type = '', status = '' } = filters;
  const from = asDay(filters.from);
  const to = asDay(filters.to);
  const filterKey = [type, status, from, to].join('|');
  // A filter change starts again at the first page.
  const [page, setPage] = useState({ key: filterKey, offset: 0 });
  const offset = page.key === filterKey ? page.offset : 0;
  const [polling, setPolling] = useState(false);
  const reports = useLoad(() => api.get<ReportPage>('/reports', { type, status, from, to, offset, limit: PAGE }), [type, status, from, to, offset], polling ? POLL_MS : undefined);
  useEffect(() => setPolling(reports.data?.items.some((r) => r.status === 'pending' || r.status === 'running') ?? false), [reports.data]);
  const [selected, setSelected] = useState<number>();
  const download = useAction(async (id: number, format: string) => {
    const { blob, fileName } = await api.download(`/reports/${id}/download`, { format });
    save(blob, fileName);
  });

  const items = reports.data?.items ?? [];
  const total = reports.data?.total ?? 0;
  const detail = items.find((r) => r.report_id === selected);

  return (
    <div className="page" data-testid="page-reports">
      {can.write && <ReportForm onCreated={reports.reload} />}
      <Section
        title={t.title}
        testId="reports"
        actions={
          <div className="filters">
            <FilterSelect label={t.type} value={type} names={TYPES} onChange={(type) => setFilters({ type })} testId="reports-type" />
            <FilterSelect label={t.status} value={status} names={STATUSES} onChange={(status) => setFilters({ status })} testId="reports-status" />
            <label>
              {t.createdFrom}
              <input type="date" value={from ?? ''} onChange={(e) => setFilters({ from: e.target.value })} data-testid="reports-from" />
            </label>
            <label>
              {t.createdTo}
              <input type="date" value={to ?? ''} onChange={(e) => setFilters({ to: e.target.value })} data-testid="reports-to" />
            </label>
            <button type="button" className="secondary" onClick={reports.reload}>
              {common.refresh}
            </button>
          </div>
        }
      >
        <ErrorNote error={reports.error} />
        <ErrorNote error={download.error} />
        <Loading when={reports.loading && !reports.data} />
        {reports.data && items.length === 0 && <Empty />}
        {items.length > 0 && (
          <div className="table-wrap">
            <table data-testid="reports-table">
              <thead>
                <tr>
                  <th>{t.report}</th>
                  <th>{t.type}</th>
                  <th>{t.status}</th>
                  <th>{t.range}</th>
                  <th>{t.created}</th>
                  <th>{t.files}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {items.map((r) => (
                  <tr key={r.report_id} data-testid={`report-${r.report_id}`} data-status={r.status}>
                    <td>
                      <div>
                        #{r.report_id} {r.title}
                      </div>
                      {r.error && <div className="error">{r.error}</div>}
                    </td>
                    <td>{r.type}</td>
                    <td>
                      <StatusBadge status={r.status} />
                    </td>
                    <td className="mono">{r.params.from === r.params.to ? r.params.from : `${r.params.from} – ${r.params.to}`}</td>
                    <td>
                      <Time value={r.created_at} />
                    </td>
                    <td>
                      <div className="row">
                        {r.status === 'ready' &&
                          r.files.map((f) => (
                            <button
                              key={f.format}
                              type="button"
                              className="secondary"
                              title={`${f.file_name} · ${formatBytes(f.bytes)}`}
                              disabled={download.busy}
                              onClick={() => void download.run(r.report_id, f.format)}
                              data-testid={`download-${r.report_id}-${f.format}`}
                            >
                              ⤓ {f.format}
                            </button>
                          ))}
                      </div>
                    </td>
                    <td>
                      <div className="row">
                        <TemporalLink href={r.temporal_ui_url} />
                        <button
                          type="button"
                          className="link"
                          aria-expanded={selected === r.report_id}
                          onClick={() => setSelected(selected === r.report_id ? undefined : r.report_id)}
                          data-testid={`report-details-${r.report_id}`}
                        >
                          {selected === r.report_id ? t.hide : t.details}
                        </button>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {total > PAGE && (
          <div className="row" data-testid="reports-paging">
            <button type="button" className="secondary" disabled={offset === 0} onClick={() => setPage({ key: filterKey, offset: Math.max(0, offset - PAGE) })}>
              {t.previous}
            </button>
            <span className="muted">
              {offset + 1}–{Math.min(total, offset + PAGE)} {t.of} {total}
            </span>
            <button type="button" className="secondary" disabled={offset + PAGE >= total} onClick={() => setPage({ key: filterKey, offset: offset + PAGE })}>
              {t.next}
            </button>
          </div>
        )}
      </Section>
      {detail && <ReportDetail report={detail} />}
    </div>
  );
}

/** What a report was made from: its data window, model versions, row counts and checksums. */
function ReportDetail({ report: r }: { report: Report }) {
  const t = useWords(WORDS);
  const scope = [...r.params.equipment, ...r.params.lots];
  return (
    <Section title={`#${r.report_id} ${r.title}`} testId="report-detail">
      <div className="two">
        <table>
          <tbody>
            <tr>
              <th>{t.scope}</th>
              <td>{scope.length > 0 ? scope.join(', ') : t.allEquipment}</td>
            </tr>
            <tr>
              <th>{t.lang}</th>
              <td>{r.params.lang}</td>
            </tr>
            <tr>
              <th>{t.dataWindow}</th>
              <td>
                <Time value={r.data_window?.from} /> – <Time value={r.data_window?.to} />
              </td>
            </tr>
            <tr>
              <th>{t.by}</th>
              <td>{r.created_by ?? '–'}</td>
            </tr>
            <tr>
              <th>{t.finished}</th>
              <td>
                <Time value={r.finished_at} />
              </td>
            </tr>
            {r.purged_at && (
              <tr>
                <th>{t.purged}</th>
                <td>
                  <Time value={r.purged_at} />
                </td>
              </tr>
            )}
            <tr>
              <th>{t.checksum}</th>
              <td className="mono" style={{ wordBreak: 'break-all' }} data-testid="report-checksum">
                {r.data_checksum ?? '–'}
              </td>
            </tr>
          </tbody>
        </table>
        <table>
          <tbody>
            {Object.entries(r.model_versions ?? {}).map(([model, version]) => (
              <tr key={`model-${model}`}>
                <th>{t.models}</th>
                <td>
                  {model} <span className="mono">v{version}</span>
                </td>
              </tr>
            ))}
            {Object.entries(r.row_counts ?? {}).map(([name, count]) => (
              <tr key={`rows-${name}`}>
                <th>
                  {t.rows}: {name}
                </th>
                <td className="num">{count.toLocaleString()}</td>
              </tr>
            ))}
            {r.files.map((f) => (
              <tr key={`file-${f.format}`}>
                <th>{f.file_name}</th>
                <td className="mono" style={{ wordBreak: 'break-all' }}>
                  {formatBytes(f.bytes)} · {f.sha256}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Section>
  );
}
