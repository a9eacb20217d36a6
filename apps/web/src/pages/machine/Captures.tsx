import type { ECharts } from 'echarts';
import { useMemo, useState } from 'react';
import { api } from '../../api';
import { Chart, type ChartOption } from '../../chart';
import { Empty, ErrorNote, FaultBadge, Loading, Section, Time } from '../../components';
import { useLoad } from '../../hooks';
import { useWords } from '../../i18n';
import { dayEnd, dayStart, hzRpm, WORDS, type Diagnosis, type Page } from './shared';
import { percent } from '../../format';

interface Capture {
  id: number;
  sensor_no: string;
  captured_at: string;
  sampling_rate_hz: number | null;
  samples: number;
  diagnosis: Diagnosis | null;
}
interface CaptureDetail extends Capture {
  waveform: { points: number; time_s: number[]; value: number[] };
  spectrum: {
    running_speed_hz: number;
    frequency_hz: number[];
    amplitude: number[];
    harmonics: { order: number; frequency_hz: number; amplitude: number }[];
  } | null;
  window_diagnoses: (Diagnosis & { window_start: string | null; window_end: string | null })[];
}

const PAGE_SIZE = 50;
/** Every sample of a capture (the API's limit is a whole 140 s recording): the chart pans through all of them. */
const MAX_POINTS = 200_000;

// Module-level so the chart does not see a new callback on each render (which would set its option again).
const exposeWaveform = (chart: ECharts): void => void ((window as unknown as { __waveform?: unknown }).__waveform = chart);

/** The captures of a machine (and sensor) in the date range, and the selected one's waveform, spectrum and window diagnoses. */
export function Captures({
  machine,
  sensor,
  from,
  to,
  selected,
  onSelect,
}: {
  machine: string;
  sensor?: string;
  from?: string;
  to?: string;
  selected?: string;
  onSelect: (id: number) => void;
}) {
  const t = useWords(WORDS);
  const [offset, setOffset] = useState(0);
  const list = useLoad(
    () => api.get<Page<Capture>>('/captures', { machine_name: machine, sensor_no: sensor, from: dayStart(from), to: dayEnd(to), limit: PAGE_SIZE, offset }),
    [machine, sensor, from, to, offset],
  );
  // The URL's capture, else the newest in the list: never an id that was not listed or asked for.
  const id = selected ?? list.data?.items[0]?.id?.toString();
  const detail = useLoad(() => (id ? api.get<CaptureDetail>(`/captures/${encodeURIComponent(id)}`, { points: MAX_POINTS }) : Promise.resolve(undefined)), [id]);
  const capture = detail.data?.id.toString() === id ? detail.data : undefined;
  const items = list.data?.items ?? [];

  return (
    <>
      <div className="two">
        <Section
          title={t.captures}
          testId="captures"
          actions={
            list.data && (
              <span className="muted" data-testid="capture-total">
                {items.length ? `${offset + 1}–${offset + items.length}` : 0} {t.shown} {list.data.total}
              </span>
            )
          }
        >
          <ErrorNote error={list.error} />
          <Loading when={list.loading && !list.data} />
          {list.data && items.length === 0 && <Empty>{t.noCapture}</Empty>}
          {items.length > 0 && (
            <div className="table-wrap" style={{ maxHeight: 340, overflowY: 'auto' }}>
              <table data-testid="capture-table">
                <thead>
                  <tr>
                    <th>{t.capturedAt}</th>
                    <th>{t.sensor}</th>
                    <th className="num">{t.samples}</th>
                    <th>{t.diagnosis}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((c) => {
                    const current = c.id.toString() === id;
                    return (
                      <tr key={c.id} data-testid="capture-row" data-capture={c.id} aria-selected={current} style={current ? { background: '#eaf2fb' } : undefined}>
                        <td>
                          <button type="button" className="link" onClick={() => onSelect(c.id)} aria-pressed={current}>
                            <Time value={c.captured_at} />
                          </button>
                        </td>
                        <td>{c.sensor_no}</td>
                        <td className="num">{c.samples.toLocaleString()}</td>
                        <td>
                          <FaultBadge fault={c.diagnosis?.fault_type} /> <span className="muted">{c.diagnosis && percent(c.diagnosis.confidence)}</span>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
          {list.data && list.data.total > PAGE_SIZE && (
            <div className="row" style={{ marginTop: '0.5rem' }}>
              <button type="button" className="secondary" data-testid="capture-prev" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
                {t.previous}
              </button>
              <button type="button" className="secondary" data-testid="capture-next" disabled={offset + PAGE_SIZE >= list.data.total} onClick={() => setOffset(offset + PAGE_SIZE)}>
                {t.next}
              </button>
            </div>
          )}
        </Section>
        <Section title={capture ? `#${capture.id} · ${t.windows}` : t.windows} testId="capture-detail">
          <ErrorNote error={detail.error} />
          <Loading when={detail.loading && !capture} />
          {capture && <WindowDiagnoses capture={capture} />}
        </Section>
      </div>
      <Section title={t.waveform} testId="waveform-section">
        {capture ? <Waveform capture={capture} /> : <Loading when={detail.loading} />}
      </Section>
      <Section
        title={t.spectrum}
        testId="spectrum-section"
        actions={capture?.spectrum && <span data-testid="running-speed">{`${t.runningSpeed} ${hzRpm(capture.spectrum.running_speed_hz)}`}</span>}
      >
        {capture && (capture.spectrum ? <Spectrum spectrum={capture.spectrum} /> : <Empty>{t.noSpectrum}</Empty>)}
      </Section>
    </>
  );
}

function WindowDiagnoses({ capture }: { capture: CaptureDetail }) {
  const t = useWords(WORDS);
  return (
    <>
      <p className="muted" style={{ marginTop: 0 }}>
        <Time value={capture.captured_at} /> · {t.sensor} {capture.sensor_no} · {capture.samples.toLocaleString()} {t.samples.toLowerCase()}
        {capture.sampling_rate_hz !== null && ` · ${capture.sampling_rate_hz} Hz`}
      </p>
      {capture.window_diagnoses.length === 0 ? (
        <Empty />
      ) : (
        <div className="table-wrap">
          <table data-testid="window-table">
            <thead>
              <tr>
                <th>{t.window}</th>
                <th>{t.diagnosis}</th>
                <th className="num">{t.confidence}</th>
                <th>{t.model}</th>
              </tr>
            </thead>
            <tbody>
              {capture.window_diagnoses.map((w, i) => (
                <tr key={`${w.model_version ?? ''}-${w.window_start ?? i}-${w.window_end ?? ''}`}>
                  <td>
                    <Time value={w.window_start} /> – <Time value={w.window_end} />
                  </td>
                  <td>
                    <FaultBadge fault={w.fault_type} />
                  </td>
                  <td className="num">{percent(w.confidence)}</td>
                  <td className="mono">{w.model_version}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function interleave(x: number[], y: number[]): Float64Array {
  const pairs = new Float64Array(2 * x.length);
  for (let i = 0; i < x.length; i++) {
    pairs[2 * i] = x[i];
    pairs[2 * i + 1] = y[i];
  }
  return pairs;
}

function Waveform({ capture }: { capture: CaptureDetail }) {
  const t = useWords(WORDS);
  const option = useMemo<ChartOption>(() => {
    const { time_s, value } = capture.waveform;
    return {
      grid: { left: 56, right: 24, top: 30, bottom: 72 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'value', name: t.time, nameLocation: 'middle', nameGap: 24, min: 0, max: 'dataMax', axisLabel: { showMaxLabel: false } },
      yAxis: { type: 'value', name: t.amplitude, scale: true },
      dataZoom: [
        { type: 'inside', xAxisIndex: 0 },
        { type: 'slider', xAxisIndex: 0, bottom: 8 },
      ],
      // One typed array of (time, value) pairs, not an array per point: ECharts copies an option's plain arrays but takes
      // a typed array as it is (its types know only plain arrays), and 100 k small arrays cost the main thread over
      // 100 ms to build, copy and collect.
      // A line series draws one path whatever its length; lttb keeps the peaks when there are more points than pixels.
      series: [
        {
          type: 'line',
          name: t.waveform,
          data: interleave(time_s, value) as unknown as number[][],
          dimensions: ['time', 'value'],
          showSymbol: false,
          sampling: 'lttb',
          lineStyle: { width: 1 },
          color: '#0072B2',
        },
      ],
    };
  }, [capture, t]);
  return <Chart option={option} height={320} label="waveform" onReady={exposeWaveform} />;
}

function Spectrum({ spectrum }: { spectrum: NonNullable<CaptureDetail['spectrum']> }) {
  const t = useWords(WORDS);
  const option = useMemo<ChartOption>(() => {
    const last = spectrum.harmonics[spectrum.harmonics.length - 1];
    return {
      grid: { left: 56, right: 24, top: 30, bottom: 72 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'value', name: t.frequency, nameLocation: 'middle', nameGap: 24, min: 0, max: 'dataMax' },
      yAxis: { type: 'value', name: t.amplitude },
      // Open on the harmonics the diagnosis reads (up to 10×); the rest of the band is a pan away.
      dataZoom: [
        { type: 'inside', xAxisIndex: 0, startValue: 0, endValue: last ? last.frequency_hz * 1.05 : undefined },
        { type: 'slider', xAxisIndex: 0, bottom: 8, startValue: 0, endValue: last ? last.frequency_hz * 1.05 : undefined },
      ],
      series: [
        {
          type: 'line',
          name: t.amplitude,
          data: spectrum.frequency_hz.map((f, i) => [f, spectrum.amplitude[i]]),
          showSymbol: false,
          sampling: 'lttb',
          lineStyle: { width: 1 },
          color: '#0072B2',
          markLine: {
            symbol: 'none',
            lineStyle: { type: 'dashed', color: '#CC79A7' },
            label: { formatter: '{b}', position: 'end' },
            data: spectrum.harmonics.map((h) => ({ name: `${h.order}×`, xAxis: h.frequency_hz })),
          },
        },
      ],
    };
  }, [spectrum, t]);
  return <Chart option={option} height={300} label="spectrum" />;
}
