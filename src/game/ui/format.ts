/**
 * How the game writes numbers in few characters: a loss beside a chart, a setting's value. One
 * place so the chart, the sliders and the messages agree, and free of Phaser so the words that
 * use them can be tested in Node.
 */

/** A loss value in few characters: 0.0123, 1.23e-5, 12.3. */
export function formatLoss(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e4)) return v.toExponential(2);
  return v.toPrecision(3);
}

/** A setting's value: 3 significant digits, no trailing zeros (0.001 → "0.001", 5e-4 → "5.0e-4"). */
export function formatNumber(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs >= 1000 || abs < 0.001) return value.toExponential(1);
  return String(Number(value.toPrecision(3)));
}
