/**
 * How numbers and names are written in and read from link text, shared by every part of a
 * share link.
 */
import { DECIMAL } from '../../engine/format.js';

/** A seed the kernel PRNG takes (the same range as `checkSeed` in the engine). */
export const SEED_MAX = 0xffffffff;

/** Writes a number so that `Number()` reads back exactly the same value (even -0). */
export function formatNumber(n: number): string {
  return Object.is(n, -0) ? '-0' : String(n);
}

/**
 * A number from link text. Text that is not a number is passed on as a string, so the
 * engine's check reports it as typed (`got "abc"`); NaN and Infinity pass as numbers so the
 * message says `got NaN`.
 */
export function readNumber(text: string): number | string {
  if (DECIMAL.test(text)) return Number(text);
  if (text === 'NaN') return NaN;
  if (text === 'Infinity' || text === '+Infinity') return Infinity;
  if (text === '-Infinity') return -Infinity;
  return text;
}

/** Link text quoted for a notice, cut at 40 characters. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
