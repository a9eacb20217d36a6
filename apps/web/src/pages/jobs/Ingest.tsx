import { useEffect, useRef, useState, type CSSProperties } from 'react';
import { api } from '../../api';
import { ErrorNote, Loading, ProgressBar, Section, TemporalLink } from '../../components';
import { useAction, useLoad } from '../../hooks';
import { useWords, type Words } from '../../i18n';
import { StatusBadge } from '../../status';
import { jobError, jobPath, progressFraction, progressText, type JobDetail, type JobStarted } from '../../jobs';

/** A ledger entry: GET /ingests and the ingest job's result share these fields. */
interface IngestLedger {
  ingest_id: number;
  file_name: string;
  kind: string;
  status: string;
  rows_read: number;
  rows_inserted: number;
  rows_duplicate: number;
  rows_rejected: number;
  workflow_id: string;
  duplicate_file?: boolean;
}

interface RejectedLinesPage {
  rejected_lines: { line: number; reason: string }[];
  next_after_line: number | null;
}

type Kind = '' | 'vibration' | 'capture' | 'tep';

interface Options {
  kind: Kind;
  machine_name: string;
  sensor_no: string;
  collected_at: string;
  start_time: string;
  max_errors: string;
}

const FOLLOW_MS = 1000;
const REJECTED_SHOWN = 100;
// Out of sight but still a real file input: the button opens it, and tests set files on it.
const VISUALLY_HIDDEN: CSSProperties = { position: 'absolute', width: 1, height: 1, opacity: 0, overflow: 'hidden', pointerEvents: 'none' };

const WORDS: Words<
  | 'title'
  | 'hint'
  | 'kind'
  | 'auto'
  | 'machine'
  | 'sensor'
  | 'fromName'
  | 'collectedAt'
  | 'startTime'
  | 'maxErrors'
  | 'drop'
  | 'choose'
  | 'uploading'
  | 'following'
  | 'read'
  | 'inserted'
  | 'duplicate'
  | 'rejected'
  | 'duplicateFile'
  | 'rejectedUnderBudget'
  | 'moreLines'
  | 'line'
> = {
  en: {
    title: 'Ingest a file',
    hint: 'Set the options first (blank ones are taken from the file name), then drop the file. A file with bad lines is rejected unless the error budget allows them.',
    kind: 'Kind',
    auto: 'detect',
    machine: 'Machine',
    sensor: 'Sensor',
    fromName: 'from the file name',
    collectedAt: 'Collected at (UTC)',
    startTime: 'TEP start time (UTC)',
    maxErrors: 'Error budget (bad lines)',
    drop: 'Drop a vibration recording, capture CSV or TEP .dat file here',
    choose: 'Choose a file…',
    uploading: 'Uploading…',
    following: 'Ingesting',
    read: 'Rows read',
    inserted: 'Inserted',
    duplicate: 'Duplicate',
    rejected: 'Rejected',
    duplicateFile: 'This file was ingested before: nothing new was stored.',
    rejectedUnderBudget: 'Lines refused under the error budget:',
    moreLines: 'More rejected lines are stored than shown here.',
    line: 'line',
  },
  ko: {
    title: '파일 수집',
    hint: '먼저 옵션을 정하고(비워 두면 파일 이름에서 가져옵니다) 파일을 끌어다 놓으세요. 오류 허용 수를 넘는 잘못된 줄이 있으면 파일 전체가 거부됩니다.',
    kind: '종류',
    auto: '자동 감지',
    machine: '설비',
    sensor: '센서',
    fromName: '파일 이름에서',
    collectedAt: '수집 시각(UTC)',
    startTime: 'TEP 시작 시각(UTC)',
    maxErrors: '오류 허용 수(잘못된 줄)',
    drop: '진동 기록, 캡처 CSV 또는 TEP .dat 파일을 여기에 놓으세요',
    choose: '파일 선택…',
    uploading: '업로드 중…',
    following: '수집 중',
    read: '읽은 행',
    inserted: '삽입',
    duplicate: '중복',
    rejected: '거부',
    duplicateFile: '이미 수집된 파일입니다. 새로 저장된 것이 없습니다.',
    rejectedUnderBudget: '오류 허용 범위에서 거부된 줄:',
    moreLines: '여기 표시된 것보다 많은 거부된 줄이 저장되어 있습니다.',
    line: '줄',
  },
};

// A datetime-local value has no zone; the plant's times are UTC.
const asUtc = (local: string): string => (local ? `${local}${local.length === 16 ? ':00' : ''}Z` : '');

function formOf(file: File, options: Options): FormData {
  const recording = options.kind !== 'tep';
  const fields: [string, string, boolean][] = [
    ['kind', options.kind, true],
    ['machine_name', options.machine_name.trim(), recording],
    ['sensor_no', options.sensor_no.trim(), recording],
    ['collected_at', asUtc(options.collected_at), recording],
    ['start_time', asUtc(options.start_time), options.kind === '' || options.kind === 'tep'],
    ['max_errors', options.max_errors, true],
  ];
  const form = new FormData();
  for (const [name, value, shown] of fields) if (shown && value) form.append(name, value);
  form.append('file', file, file.name);
  return form;
}

/** Drop zone and options (operators only: the page does not render it for viewers); follows the started job to its ledger. */
export function Ingest({ onStarted }: { onStarted: () => void }) {
  const t = useWords(WORDS);
  const [options, setOptions] = useState<Options>({ kind: '', machine_name: '', sensor_no: '', collected_at: '', start_time: '', max_errors: '0' });
  const [over, setOver] = useState(false);
  const [followed, setFollowed] = useState<JobStarted & { fileName: string; attempt: number }>();
  const input = useRef<HTMLInputElement>(null);
  const upload = useAction(async (file: File) => {
    const started = await api.upload<JobStarted>('/jobs/ingest', formOf(file, options));
    setFollowed((previous) => ({ ...started, fileName: file.name, attempt: (previous?.attempt ?? 0) + 1 }));
    onStarted();
  });
  const set = (name: keyof Options, value: string) => setOptions((o) => ({ ...o, [name]: value }));
  const recording = options.kind !== 'tep';

  return (
    <Section title={t.title} testId="ingest">
      <p className="muted">{t.hint}</p>
      <div className="two">
        <div className="filters" data-testid="ingest-options">
          <label>
            {t.kind}
            <select value={options.kind} onChange={(e) => set('kind', e.target.value)} data-testid="ingest-kind">
              <option value="">{t.auto}</option>
              <option value="vibration">vibration</option>
              <option value="capture">capture</option>
              <option value="tep">tep</option>
            </select>
          </label>
          {recording && (
            <>
              <label>
                {t.machine}
                <input value={options.machine_name} placeholder={t.fromName} maxLength={50} onChange={(e) => set('machine_name', e.target.value)} data-testid="ingest-machine" />
              </label>
              <label>
                {t.sensor}
                <input value={options.sensor_no} placeholder={t.fromName} maxLength={20} size={8} onChange={(e) => set('sensor_no', e.target.value)} data-testid="ingest-sensor" />
              </label>
              <label>
                {t.collectedAt}
                <input type="datetime-local" value={options.collected_at} onChange={(e) => set('collected_at', e.target.value)} data-testid="ingest-collected-at" />
              </label>
            </>
          )}
          {(options.kind === '' || options.kind === 'tep') && (
            <label>
              {t.startTime}
              <input type="datetime-local" value={options.start_time} onChange={(e) => set('start_time', e.target.value)} data-testid="ingest-start-time" />
            </label>
          )}
          <label>
            {t.maxErrors}
            <input type="number" min={0} max={1_000_000} step={1} value={options.max_errors} onChange={(e) => set('max_errors', e.target.value)} data-testid="ingest-max-errors" />
          </label>
        </div>
        <div
          className={over ? 'dropzone over' : 'dropzone'}
          data-testid="ingest-drop"
          onDragOver={(e) => {
            e.preventDefault();
            setOver(true);
          }}
          onDragLeave={() => setOver(false)}
          onDrop={(e) => {
            e.preventDefault();
            setOver(false);
            const file = e.dataTransfer.files[0];
            if (file) void upload.run(file);
          }}
        >
          <p>{t.drop}</p>
          <button type="button" className="secondary" disabled={upload.busy} onClick={() => input.current?.click()}>
            {upload.busy ? t.uploading : t.choose}
          </button>
          <input
            ref={input}
            type="file"
            tabIndex={-1}
            aria-hidden="true"
            style={VISUALLY_HIDDEN}
            data-testid="ingest-file"
            onChange={(e) => {
              const file = e.target.files?.[0];
              // Cleared so that choosing the same file again uploads it again.
              e.target.value = '';
              if (file) void upload.run(file);
            }}
          />
        </div>
      </div>
      <ErrorNote error={upload.error} />
      {followed && <IngestFollow key={followed.attempt} started={followed} fileName={followed.fileName} onClosed={onStarted} />}
    </Section>
  );
}

/** Polls the ingest job until it closes, then shows its outcome. Keyed by upload, so a new upload starts afresh. */
function IngestFollow({ started, fileName, onClosed }: { started: JobStarted; fileName: string; onClosed: () => void }) {
  const t = useWords(WORDS);
  const [closed, setClosed] = useState(false);
  const job = useLoad(() => api.get<JobDetail>(jobPath(started.workflow_id)), [], closed ? undefined : FOLLOW_MS);
  const status = job.data?.status;
  useEffect(() => {
    if (status && status !== 'running') {
      setClosed(true);
      onClosed();
    }
  }, [status, onClosed]);

  return (
    <div className="card" data-testid="ingest-job" data-workflow-id={started.workflow_id}>
      <div className="row">
        <strong>{fileName}</strong>
        {status && <StatusBadge status={status} />}
        <TemporalLink href={started.temporal_ui_url} />
      </div>
      <ErrorNote error={job.error} />
      {!closed && (
        <div data-testid="ingest-progress">
          <ProgressBar value={progressFraction(job.data?.progress)} label={`${t.following} ${fileName}`} />
          <div className="muted">{progressText(job.data?.progress)}</div>
        </div>
      )}
      {closed && job.data && <IngestOutcome job={job.data} />}
    </div>
  );
}

/**
 * A completed ingest's result is its ledger entry; a failed one (a rejected file) leaves only a ledger row, asked for
 * by the job's workflow id. Lines refused under an error budget are stored with the ingest.
 */
async function loadOutcome(job: JobDetail): Promise<{ ledger?: IngestLedger; lines?: RejectedLinesPage }> {
  const result = job.result as IngestLedger | null;
  if (result?.ingest_id) {
    const lines = result.rows_rejected > 0 ? await api.get<RejectedLinesPage>(`/ingests/${result.ingest_id}/rejected-lines`, { limit: REJECTED_SHOWN }) : undefined;
    return { ledger: result, lines };
  }
  const [ledger] = await api.get<IngestLedger[]>('/ingests', { workflow_id: job.workflow_id, limit: 1 });
  return { ledger };
}

function IngestOutcome({ job }: { job: JobDetail }) {
  const t = useWords(WORDS);
  const outcome = useLoad(() => loadOutcome(job), []);
  if (!outcome.data && !outcome.error) return <Loading when />;
  const ledger = outcome.data?.ledger;
  const lines = outcome.data?.lines;
  const status = ledger?.status ?? job.status;
  return (
    <div data-testid="ingest-result" data-status={status} data-job-status={job.status}>
      <div className="row">
        <StatusBadge status={status} />
        {ledger?.duplicate_file && <span className="muted">{t.duplicateFile}</span>}
      </div>
      {ledger && (
        <div className="table-wrap">
          <table data-testid="ingest-ledger">
            <thead>
              <tr>
                <th className="num">{t.read}</th>
                <th className="num">{t.inserted}</th>
                <th className="num">{t.duplicate}</th>
                <th className="num">{t.rejected}</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <td className="num" data-testid="ingest-rows-read">
                  {ledger.rows_read.toLocaleString()}
                </td>
                <td className="num" data-testid="ingest-rows-inserted">
                  {ledger.rows_inserted.toLocaleString()}
                </td>
                <td className="num" data-testid="ingest-rows-duplicate">
                  {ledger.rows_duplicate.toLocaleString()}
                </td>
                <td className="num" data-testid="ingest-rows-rejected">
                  {ledger.rows_rejected.toLocaleString()}
                </td>
              </tr>
            </tbody>
          </table>
        </div>
      )}
      {job.error && <ErrorNote error={jobError(job.error)} />}
      {lines && lines.rejected_lines.length > 0 && (
        <div data-testid="ingest-rejected-lines">
          <p className="muted">{t.rejectedUnderBudget}</p>
          <ul>
            {lines.rejected_lines.map((l) => (
              <li key={l.line}>
                <span className="mono">
                  {t.line} {l.line}:{' '}
                </span>
                {l.reason}
              </li>
            ))}
          </ul>
          {lines.next_after_line !== null && <p className="muted">{t.moreLines}</p>}
        </div>
      )}
      <ErrorNote error={outcome.error} />
    </div>
  );
}
