import type { AnchorHTMLAttributes, ReactNode } from 'react';
import type { ApiError } from './api';
import { utcText } from './format';
import { FAULT_STYLE, faultName, healthColor, SEVERITY_STYLE, type FaultType } from './faults';
import { COMMON, useLang, useWords } from './i18n';

export function Section({ title, actions, children, testId }: { title: ReactNode; actions?: ReactNode; children: ReactNode; testId?: string }) {
  return (
    <section className="card" data-testid={testId}>
      <header className="card-head">
        <h2>{title}</h2>
        {actions && <div className="actions">{actions}</div>}
      </header>
      {children}
    </section>
  );
}

/** A labelled filter over plain names; its empty value, "All", filters nothing. */
export function FilterSelect({
  label,
  value,
  names,
  onChange,
  testId,
}: {
  label: string;
  value: string;
  names: readonly string[];
  onChange: (value: string) => void;
  testId: string;
}) {
  const t = useWords(COMMON);
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
        <option value="">{t.all}</option>
        {names.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}

/** An API error as the API words it, with each refused field or line. */
export function ErrorNote({ error }: { error: ApiError | undefined }) {
  if (!error) return null;
  const { message, code, details } = error.body;
  return (
    <div className="error" role="alert" data-error-code={code}>
      <strong>{message}</strong>
      {details && details.length > 0 && (
        <ul>
          {details.slice(0, 50).map((d, i) => (
            <li key={i}>
              {d.line !== undefined && <span className="mono">line {String(d.line)}: </span>}
              {d.field && d.line === undefined && <span className="mono">{d.field}: </span>}
              {d.message}
              {d.reason && d.reason !== d.message ? ` (${d.reason})` : ''}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Loading({ when }: { when: boolean }) {
  const t = useWords(COMMON);
  return when ? <div className="muted">{t.loading}</div> : null;
}

export function Empty({ children }: { children?: ReactNode }) {
  const t = useWords(COMMON);
  return <div className="muted">{children ?? t.none}</div>;
}

export function FaultBadge({ fault }: { fault: number | null | undefined }) {
  const lang = useLang();
  if (fault === null || fault === undefined) return <span className="muted">–</span>;
  const style = FAULT_STYLE[fault as FaultType];
  return (
    <span className="badge" style={{ borderColor: style?.color, color: style?.color }} data-fault={fault}>
      <span aria-hidden="true">{style?.glyph}</span> {faultName(fault, lang)}
    </span>
  );
}

export function SeverityBadge({ severity }: { severity: string }) {
  const style = SEVERITY_STYLE[severity] ?? { color: '#777', glyph: '?' };
  return (
    <span className="badge" style={{ borderColor: style.color, color: style.color }}>
      <span aria-hidden="true">{style.glyph}</span> {severity}
    </span>
  );
}

export function HealthScore({ score }: { score: number | null | undefined }) {
  return (
    <span className="health" style={{ background: healthColor(score) }} data-health={score ?? ''}>
      {score === null || score === undefined ? '–' : Math.round(score)}
    </span>
  );
}

export function ProgressBar({ value, label }: { value: number | null | undefined; label: string }) {
  const pct = value === null || value === undefined ? undefined : Math.max(0, Math.min(100, value * 100));
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct === undefined ? undefined : Math.round(pct)}>
      <div className={pct === undefined ? 'bar indeterminate' : 'bar'} style={{ width: pct === undefined ? '30%' : `${pct}%` }} />
    </div>
  );
}

/** A time in the plant's UTC, as the API gives it; the local time in the tooltip. */
export function Time({ value }: { value: string | null | undefined }) {
  if (!value) return <span className="muted">–</span>;
  return (
    <time dateTime={value} title={new Date(value).toLocaleString()}>
      {utcText(value)}
    </time>
  );
}

/** Opens a workflow in the Temporal Web UI (the API gives the link); other attributes (test ids) pass through. */
export function TemporalLink({ href, children, ...rest }: { href: string | null | undefined; children?: ReactNode } & Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'>) {
  if (!href) return null;
  return (
    <a href={href} target="_blank" rel="noreferrer" className="temporal-link" {...rest}>
      {children ?? 'Temporal UI ↗'}
    </a>
  );
}
