/**
 * The numbers behind the figure 'query-keys': a short sentence, a small fixed query and key
 * vector for every word (three numbers: how much it is about a living thing, an object or
 * place, an action), and the attention weights of one word over the words up to it — a
 * softmax of q·k/√3 scaled by a sharpness. Plain arithmetic only: exp is a short series.
 */

export const SENTENCE = [
  'the',
  'cat',
  'sat',
  'on',
  'the',
  'mat',
  'because',
  'it',
  'was',
  'tired',
] as const;

/** The word the figure starts with as the query: "it". */
export const START_QUERY = 7;

/** What each word offers to be found by: [living thing, object or place, action]. */
// prettier-ignore
export const KEYS: readonly (readonly [number, number, number])[] = [
  [0, 0, 0], [2, 0, 0], [0, 0, 2], [0, 0.5, 0.5], [0, 0, 0],
  [0, 2, 0], [0, 0, 0.5], [0.5, 0.3, 0], [0, 0, 1], [0.5, 0, 1],
];

/** What each word looks for. */
// prettier-ignore
export const QUERIES: readonly (readonly [number, number, number])[] = [
  [0, 0, 0], [1, 0, 0], [2, 0, 0], [0, 0, 2], [0, 0.5, 0.5],
  [0, 0, 1.5], [0, 0, 1.5], [2.5, 0.4, 0], [1.5, 0, 0.3], [2, 0, 0],
];

const SQRT_D = 1.7320508075688772; // √3, the vectors' length

/** e^x from a short Taylor series of x/64, raised to the 64th power by squaring. */
export function expSeries(x: number): number {
  if (x < -60) return 0;
  const y = x / 64;
  let term = 1;
  let sum = 1;
  for (let k = 1; k <= 10; k++) {
    term *= y / k;
    sum += term;
  }
  for (let i = 0; i < 6; i++) sum *= sum;
  return sum;
}

/** The scores q·k/√3 of word `query` against every word up to and including it. */
export function scores(query: number): number[] {
  const q = QUERIES[query]!;
  return KEYS.slice(0, query + 1).map((k) => (q[0] * k[0] + q[1] * k[1] + q[2] * k[2]) / SQRT_D);
}

/**
 * The attention weights of word `query` over the whole sentence: a softmax of its scores times
 * `sharpness` over the words up to it, 0 for the later words (the causal mask). They add to 1.
 */
export function attention(query: number, sharpness: number): number[] {
  const s = scores(query).map((v) => v * sharpness);
  const top = Math.max(...s);
  const e = s.map((v) => expSeries(v - top));
  const total = e.reduce((a, b) => a + b, 0);
  return SENTENCE.map((_, i) => (i <= query ? e[i]! / total : 0));
}

/** The word (index) that gets the largest weight. */
export function strongest(weights: readonly number[]): number {
  let best = 0;
  weights.forEach((w, i) => {
    if (w > weights[best]!) best = i;
  });
  return best;
}
