// sample.ts — V scores (logits) of one next token; work[V] scratch.

import { exp_f32 } from '../math';
import { rng_uniform_f64 } from '../rng';

/**
 * Draws one token id from the softmax of logits[V] / temperature, keeping only the topK largest
 * scores (0: all of them), with the PRNG at `state`. A temperature of 0 picks the largest score
 * (the lowest id on a tie) and draws nothing. Ties at the top-k boundary go to the lower ids, so
 * exactly min(topK, V) tokens stay in. `work` [V] receives the kept tokens' unnormalised
 * probabilities (0 for the others). Every step is a fixed sequence of f32/f64 operations with
 * the kernel's own exp, so a seed gives the same tokens in every engine.
 */
export function sample_token(
  logits: usize,
  work: usize,
  V: i32,
  temperature: f32,
  topK: i32,
  state: usize,
): i32 {
  let best = 0;
  for (let v = 1; v < V; v++) {
    if (load<f32>(logits + (<usize>v << 2)) > load<f32>(logits + (<usize>best << 2))) best = v;
  }
  if (temperature <= 0) return best;
  const top = load<f32>(logits + (<usize>best << 2));
  const k = topK <= 0 || topK > V ? V : topK;
  // Mark the k kept tokens with 1 (repeated argmax over the unmarked ones), the rest 0.
  memory.fill(work, 0, <usize>V << 2);
  for (let n = 0; n < k; n++) {
    let pick = -1;
    for (let v = 0; v < V; v++) {
      if (load<f32>(work + (<usize>v << 2)) != 0) continue;
      if (pick < 0 || load<f32>(logits + (<usize>v << 2)) > load<f32>(logits + (<usize>pick << 2))) {
        pick = v;
      }
    }
    store<f32>(work + (<usize>pick << 2), 1);
  }
  let sum: f64 = 0;
  for (let v = 0; v < V; v++) {
    const at = work + (<usize>v << 2);
    if (load<f32>(at) == 0) continue;
    const p = exp_f32((load<f32>(logits + (<usize>v << 2)) - top) / temperature);
    store<f32>(at, p);
    sum += <f64>p;
  }
  const u = rng_uniform_f64(state) * sum;
  let acc: f64 = 0;
  let last = best;
  for (let v = 0; v < V; v++) {
    const p = load<f32>(work + (<usize>v << 2));
    if (p == 0) continue;
    acc += <f64>p;
    last = v;
    if (u < acc) return v;
  }
  return last;
}
