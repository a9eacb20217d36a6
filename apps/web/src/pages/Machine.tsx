import { api } from '../api';
import { ErrorNote, Section } from '../components';
import { FAULT_TYPES, faultName } from '../faults';
import { useFilters, useLoad } from '../hooks';
import { COMMON, useLang, useWords } from '../i18n';
import { Anomalies } from './machine/Anomalies';
import { Captures } from './machine/Captures';
import { KpiTrends } from './machine/Kpi';
import { Timeline } from './machine/Timeline';
import { dayOnly, WORDS, type Page } from './machine/shared';

interface Equipment {
  name: string;
  display_name: string;
  sensors: { sensor_no: string }[];
}

export default function Machine() {
  const t = useWords(WORDS);
  const common = useWords(COMMON);
  const lang = useLang();
  const [filters, setFilters] = useFilters();
  const equipment = useLoad(() => api.get<Page<Equipment>>('/equipment', { kind: 'rotating_machine' }), []);
  const machines = equipment.data?.items ?? [];
  // Without a machine in the URL the first one is shown; the URL changes only when the user picks.
  const machine = filters.machine ?? machines[0]?.name;
  const sensors = machines.find((m) => m.name === machine)?.sensors ?? [];
  const from = dayOnly(filters.from);
  const to = dayOnly(filters.to);
  const { sensor, fault, capture } = filters;

  return (
    <div className="page" data-testid="page-machine">
      <Section title={t.title} testId="machine-filters">
        <ErrorNote error={equipment.error} />
        <div className="filters">
          <label>
            {t.machine}
            <select data-testid="filter-machine" value={machine ?? ''} onChange={(e) => setFilters({ machine: e.target.value, sensor: undefined, capture: undefined })}>
              {machine && !machines.some((m) => m.name === machine) && <option value={machine}>{machine}</option>}
              {machines.map((m) => (
                <option key={m.name} value={m.name}>
                  {m.name} · {m.display_name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t.sensor}
            <select data-testid="filter-sensor" value={sensor ?? ''} onChange={(e) => setFilters({ sensor: e.target.value, capture: undefined })}>
              <option value="">{t.allSensors}</option>
              {sensor && !sensors.some((s) => s.sensor_no === sensor) && <option value={sensor}>{sensor}</option>}
              {sensors.map((s) => (
                <option key={s.sensor_no} value={s.sensor_no}>
                  {s.sensor_no}
                </option>
              ))}
            </select>
          </label>
          <label>
            {common.from}
            <input type="date" data-testid="filter-from" value={from ?? ''} max={to} onChange={(e) => setFilters({ from: e.target.value, capture: undefined })} />
          </label>
          <label>
            {common.to}
            <input type="date" data-testid="filter-to" value={to ?? ''} min={from} onChange={(e) => setFilters({ to: e.target.value, capture: undefined })} />
          </label>
          <label>
            {t.fault}
            <select data-testid="filter-fault" value={fault ?? ''} onChange={(e) => setFilters({ fault: e.target.value })}>
              <option value="">{t.allFaults}</option>
              {FAULT_TYPES.map((f) => (
                <option key={f} value={String(f)}>
                  {faultName(f, lang)}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="secondary"
            data-testid="filter-clear"
            onClick={() => setFilters({ sensor: undefined, from: undefined, to: undefined, fault: undefined, capture: undefined })}
          >
            {t.clear}
          </button>
        </div>
      </Section>
      {machine && (
        <>
          {/* Keyed on the list's filters so its page offset starts over when they change. */}
          <Captures
            key={`${machine}|${sensor ?? ''}|${from ?? ''}|${to ?? ''}`}
            machine={machine}
            sensor={sensor}
            from={from}
            to={to}
            selected={capture}
            onSelect={(id) => setFilters({ capture: String(id) })}
          />
          <Timeline machine={machine} sensor={sensor} from={from} to={to} fault={fault} />
          <div className="two">
            <KpiTrends machine={machine} from={from} to={to} />
            <Anomalies machine={machine} from={from} to={to} />
          </div>
        </>
      )}
    </div>
  );
}
