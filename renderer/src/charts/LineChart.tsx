/**
 * A uPlot line chart over a SeriesStore. The plot is built once per set of series; new points only schedule one
 * `setData` (through the redraw queue), however many arrive. Where there is no canvas (test DOMs) it shows the latest value
 * as text. Either way the wrapper's `data-points` attribute says how many x values the chart holds.
 */
import 'uplot/dist/uPlot.min.css';
import './charts.css';
import { memo, type RefObject, useEffect, useRef } from 'react';
import uPlot from 'uplot';
import { canvasAvailable } from './canvas';
import { cancelRedraw, queueRedraw } from './redraw-queue';
import type { SeriesStore } from './series-store';

const PALETTE = ['#3b63d6', '#d08a00', '#1f9d55', '#d13b3b', '#8a4fd6', '#138a9e', '#b0577a', '#6b7a1f'];
const HEIGHT = 150;

export interface LineChartProps {
  store: SeriesStore;
  testId: string;
  /** Accessible name: what the chart plots. */
  label: string;
}

function cssColour(element: Element, name: string, fallback: string): string {
  return getComputedStyle(element).getPropertyValue(name).trim() || fallback;
}

function plotOptions(store: SeriesStore, element: HTMLElement): uPlot.Options {
  const muted = cssColour(element, '--muted', '#5d6676');
  const grid = cssColour(element, '--border', '#dde1e8');
  const axis = { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  return {
    width: Math.max(element.clientWidth, 200),
    height: HEIGHT,
    scales: { x: { time: false } },
    legend: { show: store.labels.length > 1 },
    axes: [axis, { ...axis, size: 56 }],
    series: [
      { label: 'step' },
      ...store.labels.map((label, index) => ({
        label,
        stroke: PALETTE[index % PALETTE.length],
        width: 1.5,
        // Eval metrics arrive every eval_steps only: join their points across the steps in between.
        spanGaps: true,
      })),
    ],
  };
}

/** Calls back when the element scrolls in or out of view (always "visible" where IntersectionObserver is missing). */
function watchVisibility(element: Element, onChange: (visible: boolean) => void): () => void {
  if (typeof IntersectionObserver === 'undefined') return () => {};
  const observer = new IntersectionObserver((entries) => onChange(entries.some((entry) => entry.isIntersecting)));
  observer.observe(element);
  return () => observer.disconnect();
}

/**
 * Keeps a uPlot instance in step with the store: rebuilt only when the series change, redrawn through the shared
 * redraw queue, and not at all while scrolled out of view (it catches up when it comes back).
 */
function usePlot(
  store: SeriesStore,
  host: RefObject<HTMLDivElement | null>,
  wrapper: RefObject<HTMLDivElement | null>,
) {
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const drawable = canvasAvailable();
    let plot: uPlot | undefined;
    let visible = true;
    let stale = false;
    const build = () => {
      plot?.destroy();
      plot = drawable ? new uPlot(plotOptions(store, element), store.data, element) : undefined;
    };
    const redraw = () => {
      stale = false;
      if (plot) plot.setData(store.data);
      else element.textContent = describe(store);
    };
    const request = () => {
      stale = true;
      if (visible) queueRedraw(redraw);
    };
    // The attribute is cheap and tests read it at once; the redraw waits its turn.
    const count = () => wrapper.current?.setAttribute('data-points', String(store.length));
    build();
    redraw();
    count(); // points may have arrived between the render and this effect
    const unsubscribe = store.subscribe((change) => {
      if (change === 'shape') build();
      count();
      request();
    });
    const unwatch = watchVisibility(element, (now) => {
      visible = now;
      if (visible && stale) queueRedraw(redraw);
    });
    const resize =
      typeof ResizeObserver === 'undefined'
        ? undefined
        : new ResizeObserver(() => plot?.setSize({ width: Math.max(element.clientWidth, 200), height: HEIGHT }));
    resize?.observe(element);
    return () => {
      unsubscribe();
      unwatch();
      resize?.disconnect();
      cancelRedraw(redraw);
      plot?.destroy();
    };
  }, [store, host, wrapper]);
}

/** The text a chart shows without a canvas: each series' latest value. */
function describe(store: SeriesStore): string {
  if (store.length === 0) return 'no data yet';
  const latest = store.labels.map((label, index) => {
    const column = store.columns[index] ?? [];
    const value = column.findLast((entry) => entry !== null);
    return `${label} ${value ?? '–'}`;
  });
  return `${store.length} points · ${latest.join(' · ')}`;
}

export const LineChart = memo(function LineChart({ store, testId, label }: LineChartProps) {
  const wrapper = useRef<HTMLDivElement>(null);
  const host = useRef<HTMLDivElement>(null);
  usePlot(store, host, wrapper);
  return (
    <div
      className="line-chart"
      data-testid={testId}
      data-points={store.length}
      ref={wrapper}
      role="img"
      aria-label={label}
    >
      <div className="line-chart-plot" ref={host} />
    </div>
  );
});
