/**
 * How the engine and the command line write a number inside a sentence: three significant
 * digits, with an exponent for large numbers (2.55e+20, not 21 digits). One rule, so an error
 * message and a report say the same number the same way.
 */
export function formatShort(x: number): string {
  const rounded = Number(x.toPrecision(3));
  return Math.abs(rounded) >= 1e6 ? rounded.toExponential() : rounded.toString();
}
