/**
 * The gallery's arithmetic: the network's answer and how sure it is for each image, the order
 * the player asked for (as stored, most sure first, least sure first), and class names short
 * enough for the label under a tile. No Phaser here: the unit tests call it directly.
 */

/** How the gallery is sorted. */
export type GallerySort = 'order' | 'sure' | 'unsure';

/** The network's answer for one image: the class it picks and the probability it gives it. */
export interface Answer {
  guess: number;
  confidence: number;
}

/** One answer per row of `probs` [rows, classes] (`predict`'s probabilities). */
export function answersOf(probs: ArrayLike<number>, classes: number): Answer[] {
  const rows = Math.floor(probs.length / classes);
  const out: Answer[] = [];
  for (let r = 0; r < rows; r++) {
    let guess = 0;
    for (let k = 1; k < classes; k++)
      if (probs[r * classes + k]! > probs[r * classes + guess]!) guess = k;
    const p = probs[r * classes + guess]!;
    out.push({ guess, confidence: Number.isFinite(p) ? p : 0 });
  }
  return out;
}

/**
 * The gallery's slots in display order: `order[slot]` is the image shown there. Ties (and
 * `order`) keep the images' own order, so the gallery does not shuffle between refreshes when
 * nothing changed.
 */
export function galleryOrder(answers: readonly Answer[], sort: GallerySort): number[] {
  const idx = answers.map((_, i) => i);
  if (sort === 'order') return idx;
  const sign = sort === 'sure' ? -1 : 1;
  return idx.sort((a, b) => sign * (answers[a]!.confidence - answers[b]!.confidence) || a - b);
}

/**
 * A class name that fits `maxWidth` as `measure` sizes text: the whole name, else its part
 * before a slash ("T-shirt/top" → "T-shirt"), else its last word ("Ankle boot" → "Boot"), else
 * cut with an ellipsis. The full name stays in the tile's tooltip.
 */
export function shortLabel(
  name: string,
  maxWidth: number,
  measure: (text: string) => number,
): string {
  const fits = (text: string): boolean => measure(text) <= maxWidth;
  if (fits(name)) return name;
  const capital = name[0] !== undefined && name[0] !== name[0].toLowerCase();
  const head = (w: string): string => (capital ? w.charAt(0).toUpperCase() + w.slice(1) : w);
  const candidates = [name.split('/')[0]!.trim(), head(name.split(/\s+/).at(-1)!)];
  for (const c of candidates) if (c && c !== name && fits(c)) return c;
  for (let n = name.length - 1; n > 0; n--) {
    const cut = `${name.slice(0, n).trimEnd()}…`;
    if (fits(cut)) return cut;
  }
  return name.slice(0, 1);
}

/** Evenly spread row numbers: `count` of `total` rows (all of them when `count` ≥ `total`). */
export function spreadRows(total: number, count: number): number[] {
  if (count >= total) return Array.from({ length: total }, (_, i) => i);
  return Array.from({ length: count }, (_, i) => Math.floor((i * total) / count));
}
