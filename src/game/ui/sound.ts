/**
 * Short sounds made on the spot with WebAudio oscillators: the game downloads no audio files.
 * Callers pass the player's mute setting (SaveStore settings) so a muted game stays silent. The
 * AudioContext is created on first use, which is always after a click or key press (browsers
 * only allow sound after a gesture).
 */
let context: AudioContext | null = null;

function audio(): AudioContext | null {
  if (typeof AudioContext !== 'function') return null;
  context ??= new AudioContext();
  if (context.state === 'suspended') void context.resume();
  return context;
}

/** One soft bell-like note: a sine with a quick attack and an exponential-ish decay. */
function note(
  ctx: AudioContext,
  frequency: number,
  start: number,
  length: number,
  volume: number,
): void {
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  osc.type = 'triangle';
  osc.frequency.setValueAtTime(frequency, start);
  gain.gain.setValueAtTime(0.0001, start);
  gain.gain.linearRampToValueAtTime(volume, start + 0.015);
  gain.gain.exponentialRampToValueAtTime(0.0001, start + length);
  osc.connect(gain).connect(ctx.destination);
  osc.start(start);
  osc.stop(start + length + 0.05);
}

/** The success chime: a rising arpeggio, one note more per star (C, E, G, high C). */
export function playSuccess(stars: number, muted: boolean): void {
  if (muted) return;
  const ctx = audio();
  if (!ctx) return;
  const notes = [523.25, 659.25, 783.99, 1046.5].slice(0, Math.max(2, stars + 1));
  notes.forEach((f, i) => note(ctx, f, ctx.currentTime + i * 0.12, 0.5, 0.16));
}

/** A short, low, neutral tone for "not yet" — informative, not punishing. */
export function playTryAgain(muted: boolean): void {
  if (muted) return;
  const ctx = audio();
  if (!ctx) return;
  note(ctx, 392, ctx.currentTime, 0.25, 0.12);
  note(ctx, 329.63, ctx.currentTime + 0.14, 0.4, 0.12);
}

/** A tiny click for UI feedback (stars landing). */
export function playTick(muted: boolean, pitch = 880): void {
  if (muted) return;
  const ctx = audio();
  if (!ctx) return;
  note(ctx, pitch, ctx.currentTime, 0.12, 0.08);
}
