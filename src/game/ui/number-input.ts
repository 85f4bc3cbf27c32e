/**
 * A small text box over the canvas for typing one number (a weight's new value): a real DOM
 * `<input>`, so typing, selecting, pasting and screen readers work as everywhere else. Enter
 * accepts, Escape or a click elsewhere cancels. What was typed is checked with the engine's
 * number syntax; a bad value keeps the box open and says what is allowed.
 */
import type * as Phaser from 'phaser';
import { DECIMAL } from '../../engine/format.js';
import { WIDTH } from '../theme.js';

export interface NumberInputOptions {
  /** Where the box goes, in game coordinates (1280×720). */
  x: number;
  y: number;
  value: number;
  /** What is being changed, for assistive technology and the error text. */
  label: string;
  /** Largest magnitude accepted. */
  max: number;
  onDone: (value: number) => void;
}

/** Reads a typed number: the value, or the words saying what is allowed. */
export function readTyped(text: string, max: number): number | string {
  const t = text.trim();
  if (!DECIMAL.test(t)) return `type a number such as 0.5 or -1.2e-3 (got "${t.slice(0, 20)}")`;
  const v = Number(t);
  if (!Number.isFinite(v) || Math.abs(v) > max) return `type a number from ${-max} to ${max}`;
  return v;
}

/** Opens the box; returns a function that closes it. Only one box is open at a time. */
export function askNumber(scene: Phaser.Scene, o: NumberInputOptions): () => void {
  document.getElementById('nj-number-input')?.remove();
  const canvas = scene.game.canvas;
  const rect = canvas.getBoundingClientRect();
  const scale = rect.width / WIDTH;
  const input = document.createElement('input');
  input.id = 'nj-number-input';
  input.type = 'text';
  input.inputMode = 'decimal';
  input.value = String(o.value);
  input.setAttribute('aria-label', o.label);
  input.title = `${o.label}: Enter to set, Escape to cancel`;
  Object.assign(input.style, {
    position: 'absolute',
    left: `${rect.left + window.scrollX + o.x * scale}px`,
    top: `${rect.top + window.scrollY + o.y * scale}px`,
    width: `${110 * scale}px`,
    font: `${Math.round(15 * scale)}px "IBM Plex Sans", system-ui, sans-serif`,
    padding: '2px 6px',
    background: '#262b38',
    color: '#e8e8ea',
    border: '2px solid #ffffff',
    borderRadius: '6px',
    zIndex: '10',
  });
  let open = true;
  const close = (): void => {
    if (!open) return;
    open = false;
    input.remove();
    scene.events.off('shutdown', close);
  };
  input.addEventListener('keydown', (e) => {
    // The game's own keys (Space to play, S to step) must not fire while typing.
    e.stopPropagation();
    if (e.key === 'Escape') close();
    if (e.key !== 'Enter') return;
    const v = readTyped(input.value, o.max);
    if (typeof v === 'string') {
      input.style.borderColor = '#d55e00';
      input.title = `${o.label}: ${v}`;
      input.setCustomValidity(v);
      input.reportValidity();
      return;
    }
    close();
    o.onDone(v);
  });
  input.addEventListener('keyup', (e) => e.stopPropagation());
  input.addEventListener('blur', () => setTimeout(close, 0));
  document.body.appendChild(input);
  input.focus();
  input.select();
  scene.events.once('shutdown', close);
  return close;
}
