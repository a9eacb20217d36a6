import { useMemo } from 'react';
import { api } from '../../api';
import { Chart, type ChartOption } from '../../chart';
import { Empty, ErrorNote, Loading, Section } from '../../components';
import { useLoad } from '../../hooks';
import { useWords } from '../../i18n';
import { dayOnly, WORDS, type Page } from './shared';

interface KpiDay {
  period_start: string;
  fault_rate: number;
  mtbf_hours: number | null;
}

/** Fault rate (bars) and MTBF (line with markers) per day: two shapes, so they read apart without colour. */
export function KpiTrends({ machine, from, to }: { machine: string; from?: string; to?: string }) {
  const t = useWords(WORDS);
  const kpi = useLoad(() => api.get<Page<KpiDay>>('/kpi', { equipment: machine, from: dayOnly(from), to: dayOnly(to), granularity: 'day', limit: 1000 }), [machine, from, to]);
  const items = kpi.data?.items;
  const option = useMemo<ChartOption>(
    () => ({
      legend: { top: 0 },
      grid: { left: 56, right: 56, top: 40, bottom: 40 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: items?.map((k) => k.period_start) ?? [] },
      yAxis: [
        { type: 'value', name: `${t.faultRate} (%)`, min: 0, max: 100 },
        { type: 'value', name: t.mtbf, min: 0 },
      ],
      series: [
        { type: 'bar', name: t.faultRate, color: '#D55E00', data: items?.map((k) => +(k.fault_rate * 100).toFixed(2)) ?? [] },
        {
          type: 'line',
          name: t.mtbf,
          yAxisIndex: 1,
          color: '#0072B2',
          symbol: 'diamond',
          symbolSize: 8,
          connectNulls: true,
          data: items?.map((k) => (k.mtbf_hours === null ? null : +k.mtbf_hours.toFixed(1))) ?? [],
        },
      ],
    }),
    [items, t],
  );
  return (
    <Section title={t.kpi} testId="kpi">
      <ErrorNote error={kpi.error} />
      <Loading when={kpi.loading && !kpi.data} />
      {items && items.length === 0 ? <Empty /> : <Chart option={option} height={280} label="kpi" />}
    </Section>
  );
}
