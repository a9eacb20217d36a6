import { useMemo } from 'react';
import { api } from '../../api';
import { Chart, type ChartOption } from '../../chart';
import { Empty, ErrorNote, Loading, Section } from '../../components';
import { FAULT_STYLE, FAULT_TYPES, faultName } from '../../faults';
import { useLoad } from '../../hooks';
import { useLang, useWords } from '../../i18n';
import { dayEnd, dayStart, WORDS, type Diagnosis } from './shared';
import { escapeHtml, percent, utcText } from '../../format';

interface DiagnosisRow extends Diagnosis {
  id: number;
  sensor_no: string | null;
  detected_at: string;
}

/** The most diagnoses the API gives in one answer (newest first). */
const LIMIT = 10_000;

/** Every diagnosis of the machine over time, one series per fault type (colour and marker shape). */
export function Timeline({ machine, sensor, from, to, fault }: { machine: string; sensor?: string; from?: string; to?: string; fault?: string }) {
  const t = useWords(WORDS);
  const lang = useLang();
  const list = useLoad(
    () => api.get<DiagnosisRow[]>('/vibration-diagnosis', { machine_name: machine, sensor_no: sensor, fault_type: fault, from: dayStart(from), to: dayEnd(to), limit: LIMIT }),
    [machine, sensor, fault, from, to],
  );
  const rows = useMemo(() => list.data ?? [], [list.data]);

  const option = useMemo<ChartOption>(() => {
    const bySeries = FAULT_TYPES.map((f) => rows.filter((r) => r.fault_type === f));
    const names = FAULT_TYPES.map((f) => faultName(f, lang));
    return {
      legend: { top: 0 },
      grid: { left: 150, right: 24, top: 36, bottom: 72 },
      tooltip: {
        trigger: 'item',
        formatter: (params) => {
          const { seriesIndex, dataIndex } = params as { seriesIndex: number; dataIndex: number };
          const d = bySeries[seriesIndex]?.[dataIndex];
          if (!d) return '';
          const style = FAULT_STYLE[FAULT_TYPES[seriesIndex]];
          return [
            `<strong>${utcText(d.detected_at)}</strong>`,
            `<span style="color:${style.color}">${style.glyph}</span> ${escapeHtml(names[seriesIndex])}`,
            `${t.confidence}: ${percent(d.confidence)}`,
            `${t.sensor}: ${escapeHtml(d.sensor_no ?? '–')}`,
            `${t.model}: ${escapeHtml(d.model_version || '–')}`,
            `${t.job}: ${escapeHtml(d.job_id ?? '–')}`,
          ].join('<br>');
        },
      },
      xAxis: { type: 'time' },
      yAxis: { type: 'category', data: names, inverse: true },
      dataZoom: [
        { type: 'inside', xAxisIndex: 0 },
        { type: 'slider', xAxisIndex: 0, bottom: 8 },
      ],
      series: FAULT_TYPES.map((f, i) => ({
        type: 'scatter',
        name: names[i],
        symbol: FAULT_STYLE[f].symbol,
        symbolSize: 9,
        itemStyle: { color: FAULT_STYLE[f].color, opacity: 0.8 },
        large: true,
        data: bySeries[i].map((d) => [d.detected_at, i]),
      })),
    };
  }, [rows, lang, t]);

  return (
    <Section
      title={t.timeline}
      testId="timeline"
      actions={
        list.data && (
          <span className="muted" data-testid="timeline-count">
            {rows.length.toLocaleString()}
          </span>
        )
      }
    >
      <ErrorNote error={list.error} />
      <Loading when={list.loading && !list.data} />
      {list.data?.length === LIMIT && <p className="muted">{t.timelineCapped}</p>}
      {list.data && rows.length === 0 ? <Empty /> : <Chart option={option} height={300} label="timeline" />}
    </Section>
  );
}
