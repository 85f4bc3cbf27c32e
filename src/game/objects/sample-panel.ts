/**
 * What a character model makes up: a few samples drawn in the worker from the separator to the
 * next one (a name each), or for running text without a separator a few lines that go on from
 * a prompt ("the "), redrawn at every refresh so they turn from noise into names as it
 * trains. The same seeds every time, so a change in a sample is the model's, not the dice's. A
 * temperature slider (bolder below 1, wilder above) and a top-k choice (only the k likeliest
 * symbols may be drawn) change how they are drawn.
 */
import type * as Phaser from 'phaser';
import { SAMPLE_MAX } from '../../engine/trainer.js';
import { CSS, TEXT } from '../theme.js';
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

export interface SamplePanelOptions {
  x: number;
  y: number;
  width: number;
  vocab: readonly string[];
  /** The symbol between names; without one the samples go on from `TEXT_PROMPT`. */
  separator?: string;
}

/** What the panel shows, for the browser tests' hook. */
export interface SamplesShown {
  temperature: number;
  topK: number;
  samples: string[];
}

export class SamplePanel {
  temperature = 0.8;
  topK = 0;
  private readonly stop: number;
  private readonly prompt: number[];
  private readonly lines: Phaser.GameObjects.Text;
  private samples: string[] = [];
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
  }

  /** Whether the data allows sampling (the separator, or every symbol of the prompt, is known). */
  get usable(): boolean {
    return this.prompt.every((id) => id >= 0);
  }

  private get text(): boolean {
    return this.o.separator === undefined;
  }

  /** Draws the samples in the worker: SAMPLES calls, all sent at once. */
  draw(): Promise<number[][]> {
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
  }

  get shown(): SamplesShown {
    return { temperature: this.temperature, topK: this.topK, samples: [...this.samples] };
  }
}
