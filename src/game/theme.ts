/**
 * One visual language for every scene: a small palette where each colour means one thing
 * (data, weights, gradients, loss), a colour-blind-safe diverging scale (blue–orange), a
 * perceptually uniform sequential map (viridis) for heatmaps, one typeface with tabular figures.
 */
import '@fontsource/ibm-plex-sans/400.css';
import '@fontsource/ibm-plex-sans/600.css';

/** Design size; `Scale.FIT` scales it to the window (1280×720 up to 1920×1080). */
export const WIDTH = 1280;
export const HEIGHT = 720;

/** IBM Plex Sans: its figures are tabular by default, so changing numbers do not jitter. */
export const FONT = '"IBM Plex Sans", system-ui, sans-serif';

export const COLORS = {
  background: 0x14171f,
  panel: 0x1d212c,
  panelRaised: 0x262b38,
  line: 0x3a4152,
  text: 0xe8e8ea,
  textDim: 0x9aa0ad,
  /** Meanings, used everywhere: */
  data: 0x56b4e9, // sky blue
  weights: 0xe69f00, // orange
  gradients: 0xcc79a7, // reddish purple
  loss: 0xf0e442, // yellow
  success: 0x009e73, // bluish green, always paired with a star or a word, never colour alone
  warning: 0xd55e00, // vermillion, always paired with an icon or a word
  focus: 0xffffff,
  locked: 0x5b6170,
} as const;

/** CSS strings of the same colours, for Phaser text styles. */
export const CSS = Object.fromEntries(
  Object.entries(COLORS).map(([k, v]) => [k, `#${v.toString(16).padStart(6, '0')}`]),
) as Record<keyof typeof COLORS, string>;

/** Corner radius of every panel and block: one kit. */
export const RADIUS = 10;

/** Text sizes in design pixels; body text stays ≥ 14 px at 1280×720. */
export const TEXT = { small: 14, body: 16, label: 18, title: 28, hero: 48 } as const;

/** A Phaser text style in the game's typeface. */
export function textStyle(
  size: number = TEXT.body,
  color: string = CSS.text,
  weight: 400 | 600 = 400,
): { fontFamily: string; fontSize: string; color: string; fontStyle: string } {
  return {
    fontFamily: FONT,
    fontSize: `${size}px`,
    color,
    fontStyle: weight === 600 ? '600' : 'normal',
  };
}

/** Viridis, sampled at 9 stops: perceptually uniform and readable without colour vision. */
const VIRIDIS = [
  0x440154, 0x472d7b, 0x3b528b, 0x2c728e, 0x21918c, 0x28ae80, 0x5ec962, 0xaadc32, 0xfde725,
];

/** Colour of t ∈ [0, 1] on the viridis map. */
export function viridis(t: number): number {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  return mix(VIRIDIS[i]!, VIRIDIS[i + 1]!, x - i);
}

/** Colour of v ∈ [−1, 1] on a blue (negative) – grey – orange (positive) diverging scale. */
export function diverging(v: number): number {
  const t = Math.min(1, Math.max(-1, v));
  return t < 0 ? mix(0x8a8f99, 0x2b83ba, -t) : mix(0x8a8f99, 0xe66101, t);
}

function mix(a: number, b: number, t: number): number {
  const ch = (c: number, s: number): number => (c >> s) & 255;
  const lerp = (s: number): number => Math.round(ch(a, s) + (ch(b, s) - ch(a, s)) * t);
  return (lerp(16) << 16) | (lerp(8) << 8) | lerp(0);
}

/** 150–300 ms eased tweens; none when the player prefers reduced motion. */
export const MOTION = { fast: 150, normal: 220, slow: 300, ease: 'Cubic.easeOut' } as const;

export function reducedMotion(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}
