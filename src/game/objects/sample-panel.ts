/**
 * What a character model makes up: a few samples drawn in the worker from the separator to the
 * next one (a name each), or for running text without a separator a few lines that go on from
 * a prompt ("the "), redrawn at every refresh so they turn from noise into names as it
 * trains. The same seeds every time, so a change in a sample is the model's, not the dice's. A
 * temperature slider (bolder below 1, wilder above) and a top-k choice (only the k likeliest
 * symbols may be drawn) change how they are drawn. For running text, bars under the samples
 * show the model's own odds for the character after the first one: the top `NEXT_BARS`.
 */
import type * as Phaser from 'phaser';
import { SAMPLE_MAX } from '../../engine/trainer.js';
import { COLORS, CSS, TEXT } from '../theme.js';
import { Choice } from '../ui/choice.js';
import { Slider } from '../ui/slider.js';
import { addText } from '../ui/text.js';
import { services } from '../services.js';
import { sampleText } from './sequence-figures.js';

/** Samples per refresh and their longest length: cheap enough for every refresh. */
export const SAMPLES = 5;
export const SAMPLE_LENGTH = 16;
/** Running text: fewer, longer samples, each going on from this prompt. */
export const TEXT_SAMPLES = 3;
export const TEXT_LENGTH = 60;
export const TEXT_PROMPT = 'the ';
export const TOP_K = [0, 3, 5, 10] as const;
/** Likeliest next characters drawn as bars. */
export const NEXT_BARS = 5;

export interface SamplePanelOptions {
  x: number;
  y: number;
  width: number;
  vocab: readonly string[];
  /** The symbol between names; without one the samples go on from `TEXT_PROMPT`. */
  separator?: string;
  /** Steps of a window: the context the next-character bars read. */
  steps: number;
}

/** What the panel shows, for the browser tests' hook. */
export interface SamplesShown {
  temperature: number;
  topK: number;
  samples: string[];
  /** Running text: the likeliest characters after the first sample, with their probabilities. */
  next: { symbol: string; p: number }[];
}

export class SamplePanel {
  temperature = 0.8;
  topK = 0;
  private readonly stop: number;
  private readonly prompt: number[];
  private readonly lines: Phaser.GameObjects.Text;
  private samples: string[] = [];
  private next: { symbol: string; p: number }[] = [];
  private readonly bars: Phaser.GameObjects.Graphics;
  private readonly barTexts: Phaser.GameObjects.Text[] = [];
  private readonly barTitle: Phaser.GameObjects.Text;
  /** Called when a control changes, so the samples are drawn again at once. */
  onChange: () => void = () => {};

  constructor(
    scene: Phaser.Scene,
    private readonly o: SamplePanelOptions,
  ) {
    this.stop = o.separator === undefined ? -1 : o.vocab.indexOf(o.separator);
    this.prompt =
      o.separator === undefined ? [...TEXT_PROMPT].map((c) => o.vocab.indexOf(c)) : [this.stop];
    new Slider(scene, {
      x: o.x,
      y: o.y,
      width: o.width,
      label: 'Temperature',
      min: 0.2,
      max: 2,
      step: 0.1,
      value: this.temperature,
      format: (v) => v.toFixed(1),
      tooltip: 'How boldly symbols are drawn: below 1 the likeliest win more often, above 1 wilder',
      onChange: (v) => {
        this.temperature = v;
        this.onChange();
      },
    });
    new Choice<number>(scene, {
      x: o.x,
      y: o.y + 60,
      label: 'Draw from',
      name: 'top-k',
      value: this.topK,
      options: TOP_K.map((k) => ({
        value: k,
        label: k === 0 ? 'all' : `top ${k}`,
        tooltip: k === 0 ? 'Any symbol may come next' : `Only the ${k} likeliest symbols`,
      })),
      tooltip: 'Which next symbols a sample may draw from',
      onChange: (k) => {
        this.topK = k;
        this.onChange();
      },
    });
    this.lines = addText(scene, o.x, o.y + 128, '', {
      size: TEXT.body,
      color: CSS.text,
      lineSpacing: 4,
      wrap: o.width,
    });
    this.bars = scene.add.graphics();
    this.barTitle = addText(scene, o.x, 0, '', { size: TEXT.small, color: CSS.textDim });
    for (let i = 0; i < NEXT_BARS; i++) {
      this.barTexts.push(
        addText(scene, o.x, 0, '', { size: TEXT.small, color: CSS.text }),
        addText(scene, o.x, 0, '', { size: TEXT.small, color: CSS.textDim }),
      );
    }
  }

  /** Whether the data allows sampling (the separator, or every symbol of the prompt, is known). */
  get usable(): boolean {
    return this.prompt.every((id) => id >= 0);
  }

  private get text(): boolean {
    return this.o.separator === undefined;
  }

  /**
   * Draws the samples in the worker (SAMPLES calls, all sent at once) and, for running text,
   * the network's probabilities for the character after the first sample (its last window).
   */
  async draw(): Promise<number[][]> {
    const samples = await this.drawSamples();
    const T = this.o.steps;
    const context = [...this.prompt, ...(samples[0] ?? [])];
    if (this.text && context.length >= T) {
      const V = this.o.vocab.length;
      const probs = await services().trainer.predict(Float32Array.from(context.slice(-T)));
      const last = Array.from(probs.subarray((T - 1) * V, T * V), (p, id) => ({ id, p }));
      last.sort((a, b) => b.p - a.p || a.id - b.id);
      this.next = last.slice(0, NEXT_BARS).map(({ id, p }) => ({ symbol: this.o.vocab[id]!, p }));
    }
    return samples;
  }

  private drawSamples(): Promise<number[][]> {
    const trainer = services().trainer;
    const length = Math.min(this.text ? TEXT_LENGTH : SAMPLE_LENGTH, SAMPLE_MAX);
    const options = {
      temperature: this.temperature,
      topK: this.topK,
      ...(this.stop >= 0 ? { stop: this.stop } : {}),
    };
    return Promise.all(
      Array.from({ length: this.text ? TEXT_SAMPLES : SAMPLES }, (_, i) =>
        trainer.sample(this.prompt, length, { ...options, seed: i + 1 }),
      ),
    );
  }

  show(samples: number[][]): void {
    this.samples = samples.map((ids) => sampleText(ids, this.o.vocab, this.stop));
    const shown = this.samples.map((s, i) =>
      this.text
        ? `${i + 1}.  ${TEXT_PROMPT}${s}…`
        : s.length
          ? `${i + 1}.  ${s}${s.length >= SAMPLE_LENGTH ? '…' : ''}`
          : `${i + 1}.  (nothing)`,
    );
    this.lines.setText(shown.join('\n'));
    this.showNext();
  }

  private showNext(): void {
    const { x, width } = this.o;
    const top = this.lines.y + this.lines.height + 12;
    this.bars.clear();
    this.barTitle
      .setPosition(x, top)
      .setText(this.next.length ? 'Its odds for the next character after sample 1' : '');
    this.next.forEach(({ symbol, p }, i) => {
      const y = top + 22 + i * 20;
      const barX = x + 34;
      const barW = width - 34 - 56;
      this.bars.fillStyle(COLORS.panelRaised, 1).fillRect(barX, y + 3, barW, 12);
      this.bars.fillStyle(COLORS.data, 1).fillRect(barX, y + 3, Math.max(1, barW * p), 12);
      this.barTexts[2 * i]!.setPosition(x + 4, y).setText(symbol === ' ' ? '␣' : symbol);
      this.barTexts[2 * i + 1]!.setPosition(x + width - 50, y).setText(`${(p * 100).toFixed(0)}%`);
    });
  }

  get shown(): SamplesShown {
    return {
      temperature: this.temperature,
      topK: this.topK,
      samples: [...this.samples],
      next: this.next.map((n) => ({ ...n })),
    };
  }
}
