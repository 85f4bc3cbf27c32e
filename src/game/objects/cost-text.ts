/**
 * The words and numbers the workbench uses for what a network costs: a block's multiply-adds
 * ("4.6k mult-adds"), the budget lines ("Parameters 310 / 400"), and how a block's second row
 * gives way when its facts do not fit the block's width. Pure: no Phaser, so the rules are tested
 * on their own and the scene only draws what they return.
 */
import { formatCount } from '../../levels/rules.js';

/**
 * A count in at most three figures, for a label that must stay short: 812, 4.6k, 50.2k, 113k,
 * 1.2M. One decimal below 100 of the unit, none above; a trailing ".0" is dropped.
 */
export function compactCount(n: number): string {
  const v = Math.round(n);
  if (Math.abs(v) < 1000) return String(v);
  const [unit, suffix] = Math.abs(v) < 999_500 ? [1000, 'k'] : [1_000_000, 'M'];
  const scaled = v / unit;
  const text = Math.abs(scaled) < 99.95 ? scaled.toFixed(1) : scaled.toFixed(0);
  return `${text.replace(/\.0$/, '')}${suffix}`;
}

/** A block's multiply-adds per example, or null for a block that computes none (flatten). */
export function macsLabel(macs: number, short = false): string | null {
  if (!(macs > 0)) return null;
  return short ? `×+ ${compactCount(macs)}` : `${compactCount(macs)} mult-adds`;
}

/** One budget as the workbench's meter shows it. */
export interface BudgetShown {
  /** "Parameters" or "Multiply-adds". */
  title: string;
  /** "310 / 400", or "—" when the network cannot be built. */
  value: string;
  /** Under the bar: how it stands, in words ("90 to spare", "⚠ 250 over the budget"). */
  status: string;
  /** Share of the bar to fill, 0 to 1 (the budget sits at `mark`). */
  fill: number;
  /** Where the budget line is drawn on the bar, 0 to 1. */
  mark: number;
  over: boolean;
}

/**
 * A budget meter's words and bar: the total against the budget, with the budget drawn at two
 * thirds of the bar so an overshoot of up to half the budget still shows how far over it is.
 * `per` is said after the multiply-adds ("per image"), where the count is per example.
 */
export function budgetShown(
  kind: 'params' | 'macs',
  total: number | null,
  budget: number,
  per = 'per image',
): BudgetShown {
  const title = kind === 'params' ? 'Parameters' : 'Multiply-adds';
  const mark = 2 / 3;
  if (total === null) {
    return { title, value: `— / ${formatCount(budget)}`, status: '', fill: 0, mark, over: false };
  }
  const over = total > budget;
  const unit = kind === 'macs' ? ` ${per}` : '';
  const status = over
    ? `⚠ ${formatCount(total - budget)} over the budget${unit}`
    : `${formatCount(budget - total)} to spare${unit}`;
  return {
    title,
    value: `${formatCount(total)} / ${formatCount(budget)}`,
    status,
    fill: Math.min(1, (total / budget) * mark),
    mark,
    over,
  };
}

/**
 * The network's multiply-adds where no budget is set, written under the parameter meter on
 * image data (where the cost grows with the picture); empty when the network cannot be built.
 */
export function macsTotal(macs: number | null, per = 'per image'): string {
  return macs === null ? '' : `${formatCount(macs)} multiply-adds ${per}`;
}

/** One way of writing a block's second row: its output shape, parameter badge, formula and cost. */
export interface RowText {
  shape: string;
  badge: string;
  formula: string;
  cost: string;
  /** Write the formula in the chips' smaller size (the last wordings, for a crowded row). */
  small?: boolean;
}

/**
 * The ways of writing a block's second row, fullest first: the formula's result dropped (the
 * badge just said it: "80 params = 8×1×3×3 + 8"), then the word "output", then the cost as
 * "×+ 4.6k" (the block's tooltip says it in full), then the formula small and without spaces
 * ("16×16×3×3+16"), and last no formula at all (the badge still gives the count).
 */
export function rowVariants(
  shape: number[],
  params: number,
  formula: string,
  macs: number,
  problem: boolean,
): RowText[] {
  const dims = `[${shape.join(', ')}]`;
  const warn = problem ? ' ⚠ check below' : '';
  const badge = `${params} params`;
  const full = params > 0 ? formula : '';
  const bare = full && `= ${full.replace(/\s*=\s*[\d,]+$/, '')}`;
  const cost = macsLabel(macs) ?? '';
  const shortCost = macsLabel(macs, true) ?? '';
  return [
    { shape: `output ${dims}${warn}`, badge, formula: full, cost },
    { shape: `output ${dims}${warn}`, badge, formula: bare, cost },
    { shape: `${dims}${warn}`, badge, formula: bare, cost },
    { shape: `${dims}${warn}`, badge, formula: bare, cost: shortCost },
    {
      shape: `${dims}${warn}`,
      badge,
      formula: bare.replace(/[= ]/g, ''),
      cost: shortCost,
      small: true,
    },
    { shape: `${dims}${warn}`, badge, formula: '', cost: shortCost },
  ];
}

/**
 * Which wording each block of a stack uses, from the first that fits each (`fits`): the same
 * formula style and shape label all down the stack (the fullest every block can take, up to
 * dropping "output"); only the short cost is a block's own.
 */
export function stackLevels(fits: readonly number[]): number[] {
  const shared = Math.min(2, Math.max(0, ...fits));
  return fits.map((f) => Math.max(f, shared));
}

/** The first of the widths (one per variant) that fits `room`; the last one if none does. */
export function firstFit(widths: readonly number[], room: number): number {
  const i = widths.findIndex((w) => w <= room);
  return i < 0 ? widths.length - 1 : i;
}
