/**
 * How numbers are written inside sentences — error messages, reports, the level audit — so
 * that every place says the same number the same way, and the one way a number may be written
 * where we read one from text (a CSV cell, a command-line flag, a link).
 */

/** A plain decimal number, optionally with an exponent: "12", "-0.5", ".5", "3e-4". */
export const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Three significant digits, with an exponent for large numbers (2.55e+20, not 21 digits). */
export function formatShort(x: number): string {
  const rounded = Number(x.toPrecision(3));
  return Math.abs(rounded) >= 1e6 ? rounded.toExponential() : rounded.toString();
}

/** A share as a percentage with one decimal: 0.9512 → "95.1%". */
export function formatPercent(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}
