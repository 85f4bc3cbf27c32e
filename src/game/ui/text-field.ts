/**
 * A text field over the canvas: a real DOM `<input>` with a real `<label>`, placed at game
 * coordinates and kept there when the window is resized, so typing, pasting, autofill and
 * screen readers work as on any page. Removed with its scene. Keys typed into it never reach
 * the game's own shortcuts.
 */
import * as Phaser from 'phaser';
import { WIDTH } from '../theme.js';

export interface TextFieldOptions {
  x: number;
  y: number;
  width: number;
  label: string;
  id: string;
  value?: string;
  maxLength: number;
  placeholder?: string;
  /** Enter in the field. */
  onEnter?: () => void;
}

export class TextField {
  readonly input: HTMLInputElement;
  private readonly place = (): void => this.position();

  constructor(
    private readonly scene: Phaser.Scene,
    private readonly o: TextFieldOptions,
  ) {
    const input = document.createElement('input');
    input.type = 'text';
    input.id = o.id;
    input.maxLength = o.maxLength;
    input.value = o.value ?? '';
    input.autocomplete = 'off';
    input.spellcheck = false;
    if (o.placeholder) input.placeholder = o.placeholder;
    input.setAttribute('aria-label', o.label);
    Object.assign(input.style, {
      position: 'absolute',
      padding: '6px 10px',
      background: '#262b38',
      color: '#e8e8ea',
      border: '2px solid #3a4152',
      borderRadius: '8px',
      outline: 'none',
      zIndex: '10',
    });
    input.addEventListener('focus', () => (input.style.borderColor = '#ffffff'));
    input.addEventListener('blur', () => (input.style.borderColor = '#3a4152'));
    input.addEventListener('keydown', (e) => {
      e.stopPropagation();
      if (e.key === 'Enter') o.onEnter?.();
    });
    input.addEventListener('keyup', (e) => e.stopPropagation());
    document.body.appendChild(input);
    this.input = input;
    this.position();
    scene.scale.on(Phaser.Scale.Events.RESIZE, this.place);
    window.addEventListener('resize', this.place);
    scene.events.once('shutdown', () => this.destroy());
  }

  get value(): string {
    return this.input.value;
  }

  private position(): void {
    const rect = this.scene.game.canvas.getBoundingClientRect();
    const scale = rect.width / WIDTH;
    Object.assign(this.input.style, {
      left: `${rect.left + window.scrollX + this.o.x * scale}px`,
      top: `${rect.top + window.scrollY + this.o.y * scale}px`,
      width: `${this.o.width * scale}px`,
      font: `${Math.round(18 * scale)}px "IBM Plex Sans", system-ui, sans-serif`,
    });
  }

  destroy(): void {
    this.scene.scale.off(Phaser.Scale.Events.RESIZE, this.place);
    window.removeEventListener('resize', this.place);
    this.input.remove();
  }
}
