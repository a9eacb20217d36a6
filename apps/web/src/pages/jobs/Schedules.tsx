import { useState } from 'react';
import { api } from '../../api';
import { Empty, ErrorNote, Loading, Section, TemporalLink, Time } from '../../components';
import { useAction, useLoad } from '../../hooks';
import { useWords, type Words } from '../../i18n';
import { useCan } from '../../session';

interface Schedule {
  id: string;
  job_type: string;
  cron: string | null;
  timezone: string;
  paused: boolean;
  note: string | null;
  overlap_policy: string;
  next_runs: string[];
  running: string[];
  counts: { actions_taken: number; skipped_overlap: number };
  temporal_ui_url: string;
}

type Command = 'pause' | 'unpause' | 'trigger';

const WORDS: Words<
  'title' | 'schedule' | 'when' | 'next' | 'state' | 'paused' | 'active' | 'runs' | 'skipped' | 'running' | 'note' | 'notePlaceholder' | 'pause' | 'unpause' | 'trigger' | 'custom'
> = {
  en: {
    title: 'Schedules',
    schedule: 'Schedule',
    when: 'Cron',
    next: 'Next run',
    state: 'State',
    paused: 'paused',
    active: 'active',
    runs: 'runs',
    skipped: 'skipped (overlap)',
    running: 'running now',
    note: 'Note',
    notePlaceholder: 'why (optional)',
    pause: 'Pause',
    unpause: 'Unpause',
    trigger: 'Run now',
    custom: 'edited in the Temporal UI',
  },
  ko: {
    title: '스케줄',
    schedule: '스케줄',
    when: 'Cron',
    next: '다음 실행',
    state: '상태',
    paused: '일시 중지',
    active: '활성',
    runs: '실행',
    skipped: '건너뜀(중복)',
    running: '실행 중',
    note: '메모',
    notePlaceholder: '사유(선택)',
    pause: '일시 중지',
    unpause: '재개',
    trigger: '지금 실행',
    custom: 'Temporal UI에서 수정됨',
  },
};

/** Temporal Schedules: when each runs, and (operators) pause, unpause or run one now; a run started here shows in the job list. */
export function Schedules({ onStarted }: { onStarted: () => void }) {
  const t = useWords(WORDS);
  const can = useCan();
  const schedules = useLoad(() => api.get<Schedule[]>('/schedules'), []);
  const command = useAction(async (id: string, what: Command, note: string) => {
    await api.post(`/schedules/${encodeURIComponent(id)}/${what}`, what === 'trigger' || !note.trim() ? {} : { note: note.trim() });
    schedules.reload();
    if (what === 'trigger') onStarted();
  });

  return (
    <Section title={t.title} testId="schedules">
      <ErrorNote error={schedules.error} />
      <ErrorNote error={command.error} />
      <Loading when={schedules.loading && !schedules.data} />
      {schedules.data && schedules.data.length === 0 && <Empty />}
      {schedules.data && schedules.data.length > 0 && (
        <div className="table-wrap">
          <table data-testid="schedules-table">
            <thead>
              <tr>
                <th>{t.schedule}</th>
                <th>{t.when}</th>
                <th>{t.next}</th>
                <th>{t.state}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {schedules.data.map((s) => (
                <ScheduleRow key={s.id} schedule={s} busy={command.busy} canWrite={can.write} onCommand={(what, note) => void command.run(s.id, what, note)} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Section>
  );
}

function ScheduleRow({ schedule: s, busy, canWrite, onCommand }: { schedule: Schedule; busy: boolean; canWrite: boolean; onCommand: (what: Command, note: string) => void }) {
  const t = useWords(WORDS);
  const [note, setNote] = useState('');
  return (
    <tr data-testid={`schedule-${s.id}`} data-paused={String(s.paused)}>
      <td>
        <div className="mono">{s.id}</div>
        <div className="muted">{s.job_type}</div>
        {s.note && <div className="muted">{s.note}</div>}
      </td>
      <td>
        {s.cron ? <span className="mono">{s.cron}</span> : <span className="muted">{t.custom}</span>}
        <div className="muted">{s.timezone}</div>
      </td>
      <td>
        <Time value={s.paused ? null : s.next_runs[0]} />
      </td>
      <td>
        <span className="badge">{s.paused ? `‖ ${t.paused}` : `▶ ${t.active}`}</span>
        <div className="muted">
          {s.counts.actions_taken} {t.runs} · {s.counts.skipped_overlap} {t.skipped}
          {s.running.length > 0 && ` · ${s.running.length} ${t.running}`}
        </div>
      </td>
      <td>
        <div className="row">
          <TemporalLink href={s.temporal_ui_url} />
          {canWrite && (
            <>
              <input
                aria-label={t.note}
                placeholder={t.notePlaceholder}
                value={note}
                maxLength={500}
                onChange={(e) => setNote(e.target.value)}
                data-testid={`schedule-note-${s.id}`}
              />
              {s.paused ? (
                <button type="button" className="secondary" disabled={busy} onClick={() => onCommand('unpause', note)} data-testid={`unpause-${s.id}`}>
                  {t.unpause}
                </button>
              ) : (
                <button type="button" className="secondary" disabled={busy} onClick={() => onCommand('pause', note)} data-testid={`pause-${s.id}`}>
                  {t.pause}
                </button>
              )}
              <button type="button" disabled={busy} onClick={() => onCommand('trigger', note)} data-testid={`trigger-${s.id}`}>
                {t.trigger}
              </button>
            </>
          )}
        </div>
      </td>
    </tr>
  );
}
