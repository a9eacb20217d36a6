import { useWords, type Words } from './i18n';

// A glyph per status, so states differ by more than colour.
const STYLE: Record<string, { glyph: string; color: string }> = {
  running: { glyph: '↻', color: '#0b5cad' },
  pending: { glyph: '…', color: '#5d6675' },
  completed: { glyph: '✓', color: '#1b7f3b' },
  succeeded: { glyph: '✓', color: '#1b7f3b' },
  ready: { glyph: '✓', color: '#1b7f3b' },
  failed: { glyph: '✕', color: '#b3261e' },
  rejected: { glyph: '✕', color: '#b3261e' },
  timed_out: { glyph: '◔', color: '#b3261e' },
  cancelled: { glyph: '⊘', color: '#8a5a00' },
  terminated: { glyph: '⊘', color: '#8a5a00' },
  purged: { glyph: '⌫', color: '#5d6675' },
  continued_as_new: { glyph: '→', color: '#5d6675' },
  active: { glyph: '●', color: '#009E73' },
  candidate: { glyph: '◐', color: '#0072B2' },
  retired: { glyph: '○', color: '#5d6675' },
};

type Status =
  | 'running'
  | 'pending'
  | 'completed'
  | 'succeeded'
  | 'ready'
  | 'failed'
  | 'rejected'
  | 'timed_out'
  | 'cancelled'
  | 'terminated'
  | 'purged'
  | 'continued_as_new'
  | 'active'
  | 'candidate'
  | 'retired';

const WORDS: Words<Status> = {
  en: {
    running: 'running',
    pending: 'pending',
    completed: 'completed',
    succeeded: 'succeeded',
    ready: 'ready',
    failed: 'failed',
    rejected: 'rejected',
    timed_out: 'timed out',
    cancelled: 'cancelled',
    terminated: 'terminated',
    purged: 'purged',
    continued_as_new: 'continued as new',
    active: 'active',
    candidate: 'candidate',
    retired: 'retired',
  },
  ko: {
    running: '실행 중',
    pending: '대기',
    completed: '완료',
    succeeded: '성공',
    ready: '준비됨',
    failed: '실패',
    rejected: '거부됨',
    timed_out: '시간 초과',
    cancelled: '취소됨',
    terminated: '강제 종료',
    purged: '삭제됨',
    continued_as_new: '새로 이어짐',
    active: '활성',
    candidate: '후보',
    retired: '퇴역',
  },
};

/** A job, ingest, report or model version status; data-status keeps the API's own word for tests and styling. */
export function StatusBadge({ status }: { status: string }) {
  const t: Record<string, string> = useWords(WORDS);
  const style = STYLE[status] ?? { glyph: '?', color: '#5d6675' };
  return (
    <span className="badge" style={{ borderColor: style.color, color: style.color }} data-status={status}>
      <span aria-hidden="true">{style.glyph}</span> {t[status] ?? status}
    </span>
  );
}
