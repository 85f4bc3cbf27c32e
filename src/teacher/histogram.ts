/**
 * Histograms of the class's best runs on each level — how many parameters, how many steps,
 * what final loss — as plain SVG bar charts with labelled axes, so a teacher can show the
 * spread of solutions on a projector. No chart library: a few rectangles and lines.
 */
import type { Histograms, Report } from '../server/api.js';
import { formatShort } from '../engine/format.js';
import { h, replace, svg } from './dom.js';
import { levelTitle } from './format.js';

/** Chart size in SVG units; the chart scales to its column's width. */
const W = 320;
const H = 190;
const PAD = { left: 40, right: 12, top: 12, bottom: 44 };
const MAX_BINS = 10;

interface Bin {
  from: number;
  to: number;
  count: number;
}

/**
 * Bins of `values`: one per whole number when the values are few whole numbers apart (steps,
 * parameter counts of small nets), else up to ten equal widths from the lowest to the highest.
 */
export function bins(values: readonly number[]): Bin[] {
  const finite = values.filter(Number.isFinite);
  if (!finite.length) return [];
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const whole = finite.every(Number.isInteger);
  if (whole && hi - lo < MAX_BINS) {
    const out: Bin[] = [];
    for (let v = lo; v <= hi; v++) out.push({ from: v, to: v, count: 0 });
    for (const v of finite) out[v - lo]!.count++;
    return out;
  }
  if (hi === lo) return [{ from: lo, to: hi, count: finite.length }];
  const width = (hi - lo) / MAX_BINS;
  const out = Array.from({ length: MAX_BINS }, (_, i) => ({
    from: lo + i * width,
    to: i === MAX_BINS - 1 ? hi : lo + (i + 1) * width,
    count: 0,
  }));
  for (const v of finite) out[Math.min(MAX_BINS - 1, Math.floor((v - lo) / width))]!.count++;
  return out;
}

/** One bar chart: `label` on the x axis, "students" on the y axis, bars in `color`. */
export function barChart(values: readonly number[], label: string, color: string): Element {
  const data = bins(values);
  if (!data.length) {
    return h('p', { class: 'empty-note chart-empty' }, `${label}: no verified runs yet.`);
  }
  const most = Math.max(...data.map((b) => b.count));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  // Few bins (one per whole number) keep a bar's width to a fifth of the plot, centred.
  const slots = Math.max(data.length, 5);
  const barW = plotW / slots;
  const x0 = PAD.left + ((slots - data.length) * barW) / 2;
  const centre = (i: number): number => x0 + (i + 0.5) * barW;
  const y = (count: number): number => PAD.top + plotH - (count / most) * plotH;
  const base = PAD.top + plotH;
  const range = (b: Bin): string =>
    b.from === b.to ? formatShort(b.from) : `${formatShort(b.from)} to ${formatShort(b.to)}`;
  const bars = data.map((b, i) =>
    svg(
      'rect',
      {
        x: x0 + i * barW + 1,
        y: y(b.count),
        width: Math.max(1, barW - 2),
        height: base - y(b.count),
        fill: color,
        rx: 2,
      },
      svg('title', {}, `${range(b)}: ${b.count} ${b.count === 1 ? 'student' : 'students'}`),
    ),
  );
  const text = (x: number, ty: number, s: string, anchor = 'middle', cls = 'tick'): Element =>
    svg('text', { x, y: ty, 'text-anchor': anchor, class: cls }, s);
  const first = data[0]!;
  const last = data[data.length - 1]!;
  // Whole-number bins are labelled under each bar (or the first and last when many); equal
  // widths at the plot's two ends, the lowest and the highest value.
  const whole = data.every((b) => b.from === b.to);
  const ticks = whole
    ? data
        .map((b, i) => ({ b, i }))
        .filter(({ i }) => data.length <= 5 || i === 0 || i === data.length - 1)
        .map(({ b, i }) => text(centre(i), base + 16, formatShort(b.from)))
    : [
        text(PAD.left, base + 16, formatShort(first.from), 'start'),
        text(W - PAD.right, base + 16, formatShort(last.to), 'end'),
      ];
  return svg(
    'svg',
    {
      viewBox: `0 0 ${W} ${H}`,
      class: 'chart',
      role: 'img',
      'aria-label': `${label}: ${countFinite(values)} best runs from ${formatShort(first.from)} to ${formatShort(last.to)}`,
    },
    ...bars,
    svg('line', { x1: PAD.left, y1: base, x2: W - PAD.right, y2: base, class: 'axis' }),
    svg('line', { x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: base, class: 'axis' }),
    text(PAD.left - 6, base + 4, '0', 'end'),
    text(PAD.left - 6, PAD.top + 10, String(most), 'end'),
    ...ticks,
    text(PAD.left + plotW / 2, H - 6, label, 'middle', 'axis-label'),
    svg(
      'text',
      {
        x: 12,
        y: PAD.top + plotH / 2,
        'text-anchor': 'middle',
        class: 'axis-label',
        transform: `rotate(-90 12 ${PAD.top + plotH / 2})`,
      },
      'students',
    ),
  );
}

function countFinite(values: readonly number[]): number {
  return values.filter(Number.isFinite).length;
}

/** The three charts of one level. Colours keep their game meanings: weights, gradients, loss. */
function levelCharts(levelId: string, hist: Histograms, palette: ChartPalette): HTMLElement {
  return h(
    'div',
    { class: 'hist-level', 'data-test': 'histogram', 'data-level': levelId },
    h(
      'div',
      { class: 'hist-row' },
      h('figure', {}, barChart(hist.params, 'parameters', palette.weights)),
      h('figure', {}, barChart(hist.steps, 'training steps', palette.gradients)),
      h('figure', {}, barChart(hist.loss, 'final loss', palette.loss)),
    ),
  );
}

export interface ChartPalette {
  weights: string;
  gradients: string;
  loss: string;
}

/**
 * Draws the histograms of `report` into `container`: a level chooser (the class's levels with
 * runs, in journey order) and that level's three charts, large enough for a projector. The
 * chosen level stays chosen when the report is drawn again.
 */
export function renderHistograms(
  container: HTMLElement,
  report: Report,
  palette: ChartPalette,
): void {
  const levels = report.class.levels.filter((id) => report.histograms[id]);
  if (!levels.length) {
    replace(container, h('p', { class: 'empty-note' }, 'No verified runs yet.'));
    return;
  }
  const chosen = levels.includes(container.dataset.level ?? '')
    ? container.dataset.level!
    : levels[0]!;
  container.dataset.level = chosen;
  const select = h(
    'select',
    { id: 'histogram-level' },
    ...levels.map((id) => h('option', { value: id, selected: id === chosen }, levelTitle(id))),
  );
  const charts = h('div', {}, levelCharts(chosen, report.histograms[chosen]!, palette));
  select.addEventListener('change', () => {
    container.dataset.level = select.value;
    replace(charts, levelCharts(select.value, report.histograms[select.value]!, palette));
  });
  replace(
    container,
    h(
      'div',
      { class: 'field inline' },
      h('label', { for: 'histogram-level' }, 'Level'),
      select,
      h('span', { class: 'hint' }, 'Each student’s best run counts once.'),
    ),
    charts,
  );
}
