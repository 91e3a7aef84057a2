/** The build's cumulative cost over time, drawn by uPlot (which owns its canvas: Preact only gives it a box). */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import type { CostPoint } from '../src/core/metrics/types';
import { usd } from './format.js';
import { html } from './html.js';

const HEIGHT = 220;

/** uPlot's columns: x in seconds (its time scale's unit), y in dollars. */
function columns(points: CostPoint[]): uPlot.AlignedData {
  return [points.map((p) => p.at / 1000), points.map((p) => p.costUsd)];
}

function options(width: number): uPlot.Options {
  // Axis text in the page's colour, so the chart follows the dark scheme.
  const ink = getComputedStyle(document.body).color;
  const grid = { stroke: 'rgba(128, 128, 128, 0.2)' };
  return {
    width,
    height: HEIGHT,
    scales: { x: { time: true } },
    legend: { show: true },
    series: [
      {},
      {
        label: 'cost',
        stroke: '#3b82f6',
        fill: 'rgba(59, 130, 246, 0.15)',
        width: 2,
        value: (_u, v) => (v === null ? '—' : usd(v)),
      },
    ],
    axes: [
      { stroke: ink, grid },
      { stroke: ink, grid, size: 70, values: (_u, ticks) => ticks.map((t) => usd(t)) },
    ],
  };
}

function Plot({ points }: { points: CostPoint[] }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const chart = new uPlot(options(el.clientWidth), columns(points), el);
    plot.current = chart;
    const resize = new ResizeObserver(() => chart.setSize({ width: el.clientWidth, height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
    // Created once: new points go through setData below.
  }, []);

  useEffect(() => {
    plot.current?.setData(columns(points));
  }, [points]);

  return html`<div class="cost-chart" ref=${box}></div>`;
}

export function CostChart({ points }: { points: CostPoint[] }) {
  if (points.length === 0) return html`<p class="muted">No cost recorded yet.</p>`;
  return html`<${Plot} points=${points} />`;
}
