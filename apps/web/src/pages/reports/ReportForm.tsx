import { useState, type FormEvent } from 'react';
import { api } from '../../api';
import { ErrorNote, TemporalLink } from '../../components';
import { useAction, useLoad } from '../../hooks';
import { useLang, useWords, type Lang, type Words } from '../../i18n';
import { StatusBadge } from '../../status';

type ReportType = 'daily' | 'weekly' | 'equipment' | 'lot';
type Format = 'xlsx' | 'pdf';

interface ReportCreated {
  report_id: number;
  status: string;
  created: boolean;
  temporal_ui_url: string;
}
interface Page<T> {
  items: T[];
}

const DAY_MS = 86_400_000;
const addDays = (day: string, n: number): string => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
const todayUtc = (): string => new Date().toISOString().slice(0, 10);
/** The Monday of the ISO week a day is in. */
const mondayOf = (day: string): string => addDays(day, -((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7));

/** The range a report type asks for: daily one day, weekly Monday to Sunday; the others any range. */
function fitRange(type: ReportType, from: string, to: string): { from: string; to: string } {
  if (type === 'daily') return { from, to: from };
  if (type === 'weekly') {
    const monday = mondayOf(from);
    return { from: monday, to: addDays(monday, 6) };
  }
  return { from, to: to < from ? from : to };
}

/** Yesterday, last full week, or the last seven days. */
function defaultRange(type: ReportType): { from: string; to: string } {
  const today = todayUtc();
  if (type === 'weekly') return fitRange(type, addDays(mondayOf(today), -7), '');
  if (type === 'daily') return fitRange(type, addDays(today, -1), '');
  return { from: addDays(today, -6), to: today };
}

const WORDS: Words<
  | 'title'
  | 'type'
  | 'daily'
  | 'weekly'
  | 'equipment'
  | 'lot'
  | 'day'
  | 'weekOf'
  | 'from'
  | 'to'
  | 'machines'
  | 'allMachines'
  | 'lots'
  | 'formats'
  | 'lang'
  | 'force'
  | 'submit'
  | 'created'
  | 'joined'
> = {
  en: {
    title: 'Generate a report',
    type: 'Type',
    daily: 'Daily',
    weekly: 'Weekly',
    equipment: 'Equipment',
    lot: 'Lot',
    day: 'Day (UTC)',
    weekOf: 'Week of (Monday–Sunday)',
    from: 'From (UTC)',
    to: 'To (UTC)',
    machines: 'Machines',
    allMachines: 'none ticked = all equipment',
    lots: 'Lots',
    formats: 'Formats',
    lang: 'Language',
    force: 'Render again if it exists',
    submit: 'Generate',
    created: 'Report started',
    joined: 'The same report exists already',
  },
  ko: {
    title: '보고서 생성',
    type: '유형',
    daily: '일간',
    weekly: '주간',
    equipment: '설비',
    lot: '로트',
    day: '일자(UTC)',
    weekOf: '주(월–일)',
    from: '시작(UTC)',
    to: '종료(UTC)',
    machines: '설비',
    allMachines: '선택하지 않으면 전체 설비',
    lots: '로트',
    formats: '형식',
    lang: '언어',
    force: '이미 있어도 다시 생성',
    submit: '생성',
    created: '보고서 생성 시작',
    joined: '같은 보고서가 이미 있습니다',
  },
};

/** POST /reports (operators only: the page does not render it for viewers). */
export function ReportForm({ onCreated }: { onCreated: () => void }) {
  const t = useWords(WORDS);
  const uiLang = useLang();
  const [type, setType] = useState<ReportType>('daily');
  const [range, setRange] = useState(() => defaultRange('daily'));
  const [equipment, setEquipment] = useState<string[]>([]);
  const [lots, setLots] = useState<string[]>([]);
  const [formats, setFormats] = useState<Format[]>(['xlsx', 'pdf']);
  const [lang, setLang] = useState<Lang>(uiLang);
  const [force, setForce] = useState(false);
  const machines = useLoad(() => api.get<Page<{ name: string; display_name: string }>>('/equipment', { limit: 1000 }), []);
  const lotList = useLoad(() => api.get<Page<{ code: string; equipment: string }>>('/lots', { limit: 1000 }), []);
  const create = useAction(async () => {
    const body = {
      type,
      ...range,
      ...(type === 'equipment' && equipment.length > 0 ? { equipment } : {}),
      ...(type === 'lot' ? { lots } : {}),
      formats,
      lang,
      ...(force ? { force } : {}),
    };
    const created = await api.post<ReportCreated>('/reports', body);
    onCreated();
    return created;
  });
  const [created, setCreated] = useState<ReportCreated>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setCreated(await create.run());
  };
  const toggle = <T extends string>(list: T[], item: T, on: boolean): T[] => (on ? [...list, item] : list.filter((x) => x !== item));
  const changeType = (next: ReportType) => {
    setType(next);
    setRange(type === 'equipment' || type === 'lot' || next === 'equipment' || next === 'lot' ? defaultRange(next) : fitRange(next, range.from, range.to));
  };

  return (
    <form className="card" onSubmit={(e) => void submit(e)} data-testid="report-form">
      <header className="card-head">
        <h2>{t.title}</h2>
      </header>
      <div className="filters">
        <label>
          {t.type}
          <select value={type} onChange={(e) => changeType(e.target.value as ReportType)} data-testid="report-type">
            {(['daily', 'weekly', 'equipment', 'lot'] as const).map((name) => (
              <option key={name} value={name}>
                {t[name]}
              </option>
            ))}
          </select>
        </label>
        <label>
          {type === 'daily' ? t.day : type === 'weekly' ? t.weekOf : t.from}
          <input type="date" required value={range.from} onChange={(e) => e.target.value && setRange(fitRange(type, e.target.value, range.to))} data-testid="report-from" />
        </label>
        {type === 'weekly' && <span className="muted mono">{`${range.from} – ${range.to}`}</span>}
        {(type === 'equipment' || type === 'lot') && (
          <label>
            {t.to}
            <input type="date" required min={range.from} value={range.to} onChange={(e) => e.target.value && setRange({ ...range, to: e.target.value })} data-testid="report-to" />
          </label>
        )}
        <fieldset className="row" data-testid="report-formats">
          <legend>{t.formats}</legend>
          {(['xlsx', 'pdf'] as const).map((format) => (
            <label key={format} className="row">
              <input type="checkbox" checked={formats.includes(format)} onChange={(e) => setFormats(toggle(formats, format, e.target.checked))} />
              {format}
            </label>
          ))}
        </fieldset>
        <label>
          {t.lang}
          <select value={lang} onChange={(e) => setLang(e.target.value as Lang)} data-testid="report-lang">
            <option value="en">English</option>
            <option value="ko">한국어</option>
          </select>
        </label>
        <label className="row">
          <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} data-testid="report-force" />
          {t.force}
        </label>
      </div>
      {type === 'equipment' && (
        <fieldset className="row" data-testid="report-equipment">
          <legend>
            {t.machines} <span className="muted">({t.allMachines})</span>
          </legend>
          <ErrorNote error={machines.error} />
          {machines.data?.items.map((m) => (
            <label key={m.name} className="row" title={m.display_name}>
              <input type="checkbox" value={m.name} checked={equipment.includes(m.name)} onChange={(e) => setEquipment(toggle(equipment, m.name, e.target.checked))} />
              {m.name}
            </label>
          ))}
        </fieldset>
      )}
      {type === 'lot' && (
        <fieldset className="row" data-testid="report-lots">
          <legend>{t.lots}</legend>
          <ErrorNote error={lotList.error} />
          {lotList.data?.items.map((l) => (
            <label key={l.code} className="row" title={l.equipment}>
              <input type="checkbox" value={l.code} checked={lots.includes(l.code)} onChange={(e) => setLots(toggle(lots, l.code, e.target.checked))} />
              {l.code}
            </label>
          ))}
        </fieldset>
      )}
      <div className="row">
        <button type="submit" disabled={create.busy || formats.length === 0} data-testid="report-submit">
          {t.submit}
        </button>
        {created && !create.error && (
          <span className="row" data-testid="report-created" data-report-id={created.report_id}>
            {created.created ? t.created : t.joined}: #{created.report_id} <StatusBadge status={created.status} />
            <TemporalLink href={created.temporal_ui_url} />
          </span>
        )}
      </div>
      <ErrorNote error={create.error} />
    </form>
  );
}
