// ECharts in React: one instance per element, options replaced when they change, resized with its box.
// The same library draws the PDF report's charts, so a chart looks alike on screen and on paper.
import * as echarts from 'echarts';
import { useEffect, useRef, type CSSProperties } from 'react';

export type ChartOption = echarts.EChartsOption;

export interface ChartProps {
  option: ChartOption;
  height?: number;
  /** Test hook and accessible name. */
  label: string;
  onReady?: (chart: echarts.ECharts) => void;
  onClick?: (params: echarts.ECElementEvent) => void;
  style?: CSSProperties;
}

export function Chart({ option, height = 280, label, onReady, onClick, style }: ChartProps) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts>();
  useEffect(() => {
    const instance = echarts.init(element.current, undefined, { renderer: 'canvas' });
    chart.current = instance;
    // The observer also reports the first size; a resize redraws everything (100 k points), so only a real change does.
    const observer = new ResizeObserver(([entry]) => {
      const { width, height } = entry.contentRect;
      if (Math.round(width) !== instance.getWidth() || Math.round(height) !== instance.getHeight()) instance.resize();
    });
    observer.observe(element.current!);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = undefined;
    };
  }, []);
  useEffect(() => {
    // Each chart draws in a task of its own, after React's commit: a page of charts never blocks the main thread for
    // the sum of them (a 100 k-point waveform alone is the longest).
    const timer = setTimeout(() => {
      chart.current?.setOption({ aria: { enabled: true, decal: { show: true } }, animation: false, ...option }, { notMerge: true });
      if (chart.current && onReady) onReady(chart.current);
    });
    return () => clearTimeout(timer);
  }, [option, onReady]);
  useEffect(() => {
    const instance = chart.current;
    if (!instance || !onClick) return;
    instance.on('click', onClick);
    return () => void instance.off('click', onClick);
  }, [onClick]);
  return <div ref={element} className="chart" role="img" aria-label={label} data-chart={label} style={{ height, ...style }} />;
}
