/**
 * The pictures of a run on sequence data (a `RunView`). Left panel: one of the first validation
 * sequences (arrows pick another) with the network's answer at each step under its symbols, and
 * under them, cell for cell, the recurrent layer's hidden state h(t) over time on the blue–orange
 * scale. Middle panel, under the loss: inside the cell for the same sequence — an LSTM's memory
 * cell and input, forget and output gates, a GRU's reset and update gates, a plain RNN's
 * recurrent weights (what carries the memory). Right panel: the gradient-health strip, and for
 * character data the names the network makes up (temperature and top-k), otherwise the layers.
 *
 * Each refresh is one round trip to the worker (health, state, predictions, weights and samples
 * asked at once), at most every REFRESH_MS; everything is painted into textures
 * and Graphics at refresh, nothing per frame.
 */
import type * as Phaser from 'phaser';
import type { RecurrentState } from '../../../engine/recurrent-state.js';
import type { SequenceDataInfo } from '../../../engine/trainer.js';
import { reportPictures, services, type PicturesShown } from '../../services.js';
import { CSS, TEXT } from '../../theme.js';
import { Button } from '../../ui/button.js';
import { addText } from '../../ui/text.js';
import { GridTexture } from '../grid-texture.js';
import { HealthStrip, type HealthShown, type Rect } from '../health-strip.js';
import { DIVERGING_TABLE, VIRIDIS_TABLE, levelOf, peakOf } from '../image-scale.js';
import { SamplePanel, type SamplesShown } from '../sample-panel.js';
import { signedLevel, stepAnswers, unitLevel } from '../sequence-figures.js';
import { STRIP_LABELS, SequenceStrip } from '../sequence-strip.js';
import { AttentionView } from './attention-view.js';
import { PanelView } from './panel-view.js';

const REFRESH_MS = 200;
const RECURRENT = new Set(['rnn', 'lstm', 'gru']);

/** What the sequence pictures show, for the browser tests' hook (`pictures.sequence`). */
export interface SequenceShown {
  step: number;
  /** The validation example shown (0 … examples − 1). */
  chosen: number;
  examples: number;
  /** The recurrent layer drawn (`1`), or null without one. */
  layer: string | null;
  cell: RecurrentState['cell'] | null;
  health: HealthShown | null;
  /** Mean painted level (0..255) of h(t) and of each gate map, by name. */
  state: Record<string, number>;
  /** The shown example's answers: right ones of all scored. */
  answers: { right: number; total: number } | null;
  samples: SamplesShown | null;
  /** Per attention map (`b1h2`): the mean of its rows' largest weights. */
  attention: Record<string, number>;
  /** Where the health strip's map, the hidden-state map and the first gate map are drawn. */
  rects: { health: Rect | null; hidden: Rect | null; gate: Rect | null; attention: Rect | null };
}

export interface SequencePicturesShown extends Partial<PicturesShown> {
  sequence: SequenceShown;
}

interface Map {
  name: string;
  grid: GridTexture;
  /** Colours a value: level 0..255. */
  level: (v: number) => number;
  table: Uint8Array;
}

export class SequenceView extends PanelView {
  private seq!: SequenceDataInfo;
  private layer: string | null = null;
  private cell: RecurrentState['cell'] | null = null;
  private sequence: SequenceStrip | null = null;
  private health: HealthStrip | null = null;
  private hidden: Map | null = null;
  private gates: Map[] = [];
  private recurrentWeights: GridTexture | null = null;
  private samples: SamplePanel | null = null;
  private attention: AttentionView | null = null;
  private chosenText: Phaser.GameObjects.Text | null = null;
  private chosen = 0;
  private step = 0;
  private healthStep = -1;
  private busy = false;
  private again: { force: boolean } | null = null;
  private timer: Phaser.Time.TimerEvent | null = null;
  private last = -Infinity;
  private shown: SequenceShown = {
    step: 0,
    chosen: 0,
    examples: 0,
    layer: null,
    cell: null,
    health: null,
    state: {},
    answers: null,
    samples: null,
    attention: {},
    rects: { health: null, hidden: null, gate: null, attention: null },
  };

  async build(): Promise<void> {
    const { info } = this.o;
    const seq = info.data.sequence;
    if (!seq) throw new Error('SequenceView needs sequence data');
    this.seq = seq;
    const recurrent = info.summary.find((r) => RECURRENT.has(r.kind));
    this.layer = recurrent ? String(recurrent.module) : null;
    this.cell = recurrent ? (recurrent.kind as RecurrentState['cell']) : null;
    const hiddenUnits = recurrent?.outputShape.at(-1) ?? 0;
    const blocks = this.o.spec.layers.flatMap((l) => (l.type === 'transformer' ? [l.heads] : []));
    const layerWords = recurrent ? `layer ${recurrent.module}, ${recurrent.kind}` : '';
    this.shown = {
      ...this.shown,
      examples: seq.examples.count,
      layer: this.layer,
      cell: this.cell,
    };

    // Left panel: the chosen sequence and its hidden state over time.
    this.title(32, 'A validation sequence');
    if (seq.examples.count > 1) this.pickers(seq.examples.count);
    const scale = info.data.targetScale;
    this.sequence = new SequenceStrip(this.scene, {
      x: 32,
      y: 126,
      width: 408,
      steps: seq.steps,
      features: seq.features,
      vocab: seq.vocab,
      task: info.data.task,
      perPosition: seq.perPosition,
      classNames: info.data.classNames,
      unscale: scale ? (v) => v * scale.std + scale.mean : (v) => v,
    });
    let y = this.sequence.bottom + 12;
    if (recurrent) {
      addText(this.scene, 32, y, `Hidden state h(t) of ${layerWords}`, {
        size: TEXT.small,
        color: CSS.text,
        weight: 600,
      });
      y += 24;
      const height = Math.max(64, Math.min(180, hiddenUnits * 16));
      this.hidden = this.map('h', 32 + STRIP_LABELS, y, 408 - STRIP_LABELS, height, 'signed');
      addText(this.scene, 32, y, 'unit 1', { size: TEXT.small, color: CSS.textDim });
      addText(this.scene, 32, y + height, `unit ${hiddenUnits}`, {
        size: TEXT.small,
        color: CSS.textDim,
      }).setOrigin(0, 1);
      y += height + 8;
      y = this.signedKey(32, y, 'Each column: one step, under its symbol; each row: one unit.');
    } else if (blocks.length) {
      addText(this.scene, 32, y, 'Where the attention looked', { weight: 600, size: TEXT.small });
      const o = { x: 32, y: y + 26, width: 408, maxBottom: 700, steps: seq.steps, blocks };
      this.attention = new AttentionView(this.scene, { ...o, vocab: seq.vocab });
      y = this.attention.bottom;
    } else {
      y = this.caption(
        32,
        y,
        'No recurrent layer: nothing is carried from step to step, so each step is answered from its own symbol alone.',
      );
    }
    this.leftBottom = Math.max(this.leftBottom, y);

    // Middle panel, under the loss: inside the recurrent cell.
    if (recurrent) this.cellPanel(recurrent.kind, hiddenUnits, layerWords);

    // Right panel: the gradient health, then samples or the layers.
    this.title(900, 'Gradient health');
    let right: number;
    if (recurrent) {
      this.health = new HealthStrip(this.scene, {
        x: 900,
        y: 120,
        width: 348,
        steps: seq.steps,
        layer: layerWords,
      });
      right = this.health.bottom;
    } else {
      right = this.caption(
        900,
        122,
        blocks.length
          ? 'Attention, not recurrence: each position looks straight back at the earlier ones, so no gradient has to flow back through time step by step, and there is no strip to draw.'
          : 'No recurrent layer: nothing is carried from step to step, so no gradient flows back through time and there is no strip to draw.',
        348,
      );
    }
    const canSample = seq.vocab && seq.perPosition && info.data.task === 'multiclass';
    if (canSample) {
      this.heading(
        900,
        right + 16,
        seq.separator !== undefined ? 'Names it makes up' : 'What it writes',
      );
      const panel = new SamplePanel(this.scene, {
        x: 900,
        y: right + 44,
        width: 348,
        vocab: seq.vocab!,
        steps: seq.steps,
        ...(seq.separator !== undefined ? { separator: seq.separator } : {}),
      });
      if (panel.usable) {
        this.samples = panel;
        panel.onChange = () => {
          void this.refresh(true, this.step);
        };
      }
    } else this.layerList(right + 16);

    const rect = (g: GridTexture | undefined): Rect | null =>
      g ? { x: g.x, y: g.y, width: g.width, height: g.height } : null;
    this.shown.rects = {
      health: this.health?.rect ?? null,
      hidden: rect(this.hidden?.grid),
      gate: rect(this.gates[0]?.grid ?? this.recurrentWeights ?? undefined),
      attention: this.attention?.rect ?? null,
    };
    this.showExample();
  }

  /** The arrows and the "k of n" between them, right of the left panel's title. */
  private pickers(count: number): void {
    const go = (d: number): void => {
      this.chosen = (this.chosen + d + count) % count;
      this.showExample();
      void this.refresh(true, this.step);
    };
    new Button(this.scene, {
      x: 330,
      y: 82,
      width: 32,
      height: 32,
      label: '',
      icon: 'back',
      name: 'previous sequence',
      variant: 'ghost',
      tooltip: 'Show the previous validation sequence',
      onClick: () => go(-1),
    });
    this.chosenText = addText(this.scene, 385, 98, '', {
      size: TEXT.small,
      color: CSS.textDim,
    }).setOrigin(0.5, 0.5);
    new Button(this.scene, {
      x: 408,
      y: 82,
      width: 32,
      height: 32,
      label: '',
      icon: 'next',
      name: 'next sequence',
      variant: 'ghost',
      tooltip: 'Show the next validation sequence',
      onClick: () => go(1),
    });
  }

  /** A heatmap of [T, H] values drawn units down, steps across. */
  private map(
    name: string,
    x: number,
    y: number,
    w: number,
    h: number,
    kind: 'signed' | 'unit',
  ): Map {
    return {
      name,
      grid: new GridTexture(this.scene, x, y, w, h),
      level: kind === 'signed' ? signedLevel : unitLevel,
      table: kind === 'signed' ? DIVERGING_TABLE : VIRIDIS_TABLE,
    };
  }

  /** The blue–orange key of −1 … 1 with a caption; returns the bottom. */
  private signedKey(x: number, y: number, words: string): number {
    const lo = addText(this.scene, x, y - 3, '−1', { size: TEXT.small, color: CSS.textDim });
    const bar = new GridTexture(this.scene, x + lo.width + 6, y, 100, 12);
    bar.paint(1, 64, (_r, c) => (c / 63) * 255, DIVERGING_TABLE);
    addText(this.scene, bar.x + 106, y - 3, '+1  (blue below 0, orange above)', {
      size: TEXT.small,
      color: CSS.textDim,
    });
    return this.caption(x, y + 20, words);
  }

  /** Middle panel's foot: the gates and cell of an LSTM or GRU, an RNN's recurrent weights. */
  private cellPanel(kind: string, units: number, layerWords: string): void {
    const x = 488;
    const small = { size: TEXT.small, color: CSS.textDim };
    if (kind === 'rnn') {
      this.heading(x, 546, 'What carries the memory');
      const side = 110;
      this.recurrentWeights = new GridTexture(this.scene, x, 576, side, side);
      addText(
        this.scene,
        x + side + 14,
        574,
        `The recurrent weights (${units}×${units}): row i, column j is how much unit j’s value at the last step adds to unit i’s now. Orange +, blue −; the same weights at every step.`,
        { ...small, wrap: 852 - (x + side + 14), lineSpacing: 2 },
      );
      return;
    }
    this.heading(x, 546, `Inside the ${kind.toUpperCase()} cell (${layerWords.split(',')[0]})`);
    const names =
      kind === 'lstm'
        ? [
            ['c', 'memory cell c(t) (−1 … 1)', 'signed'],
            ['forget', 'forget gate (0 … 1)', 'unit'],
            ['input', 'input gate', 'unit'],
            ['output', 'output gate', 'unit'],
          ]
        : [
            ['reset', 'reset gate (0 … 1)', 'unit'],
            ['update', 'update gate (0 … 1)', 'unit'],
          ];
    const w = 176;
    const h = kind === 'lstm' ? 38 : 90;
    names.forEach(([name, label, scale], i) => {
      const mx = x + (i % 2) * (w + 12);
      const my = 572 + Math.floor(i / 2) * (h + 26);
      addText(this.scene, mx, my, label!, small);
      this.gates.push(this.map(name!, mx, my + 20, w, h, scale as 'signed' | 'unit'));
    });
  }

  /** The layers and their parameter counts, where no samples are drawn. */
  private layerList(y: number): void {
    const info = this.o.info;
    this.heading(900, y, 'The network, layer by layer');
    const lines = [
      `input [${info.data.sequence!.steps}${info.data.sequence!.features > 1 ? `, ${info.data.sequence!.features}` : ''}]`,
    ];
    // One line per layer of the spec (a transformer block is ten modules): its output and count.
    const layers = new Map<number, { shape: readonly number[]; params: number; kind: string }>();
    for (const r of info.summary) {
      const seen = layers.get(r.layer);
      const kind = this.o.spec.layers[r.layer]?.type ?? r.kind;
      layers.set(r.layer, {
        shape: r.outputShape,
        params: (seen?.params ?? 0) + r.params,
        kind: seen?.kind ?? kind,
      });
    }
    for (const { kind, shape, params } of layers.values()) {
      lines.push(`${kind} → [${shape.join(', ')}]${params ? `   ${params} parameters` : ''}`);
    }
    lines.push(`${info.totalParams} parameters in all`);
    addText(this.scene, 904, y + 30, lines.join('\n'), {
      size: TEXT.small,
      color: CSS.text,
      lineSpacing: 4,
      wrap: 344,
    });
  }

  /** Shows the chosen example's symbols and truth (its answers come with the next refresh). */
  private showExample(): void {
    const { examples } = this.seq;
    const width = this.o.info.data.inputs;
    const k = this.chosen;
    const x = examples.x.subarray(k * width, (k + 1) * width);
    const perExample = examples.y.length / Math.max(1, examples.count);
    const yWidth = this.o.info.data.task === 'multiclass' ? 1 : this.o.info.data.outputs;
    const truth = Array.from(
      { length: Math.round(perExample / yWidth) },
      (_, p) => examples.y[k * perExample + p * yWidth]!,
    );
    this.sequence?.setExample(x, truth);
    this.attention?.setExample(x);
    this.chosenText?.setText(`${k + 1} of ${examples.count}`);
    this.shown.chosen = k;
    this.shown.answers = null;
  }

  override restart(): void {
    this.health?.clear();
    this.healthStep = -1;
    this.attention?.forget();
    this.shown.health = this.health?.shown ?? null;
    this.report();
  }

  /**
   * Redraws from the worker: the health of the latest step, the chosen sequence's hidden state
   * and answers, the recurrent weights and (now and then) the samples, asked at once.
   */
  async refresh(force: boolean, step: number): Promise<void> {
    this.step = step;
    if (this.busy) {
      this.again = { force: force || (this.again?.force ?? false) };
      return;
    }
    const now = performance.now();
    if (!force && now - this.last < REFRESH_MS) {
      this.timer ??= this.scene.time.delayedCall(REFRESH_MS - (now - this.last), () => {
        this.timer = null;
        void this.refresh(false, this.step);
      });
      return;
    }
    this.busy = true;
    this.last = now;
    try {
      const trainer = services().trainer;
      const { examples } = this.seq;
      const layer = this.layer;
      // Samples at every refresh: SAMPLES × SAMPLE_LENGTH one-row passes, a few milliseconds.
      const wantSamples = this.samples !== null;
      const chosen = this.chosen;
      const wantAttention =
        examples.count > 0 && !!this.attention && (force || this.attention.wants(step, chosen));
      const [health, state, pred, weights, samples, attention] = await Promise.all([
        layer && this.health ? trainer.gradientHealth() : null,
        layer && examples.count ? trainer.recurrentState('validation', this.chosen, layer) : null,
        examples.count ? trainer.predict(examples.x) : null,
        this.recurrentWeights && layer ? trainer.read(`${layer}.weight_hh_l0`) : null,
        wantSamples ? this.samples!.draw().catch(() => null) : null,
        wantAttention ? trainer.attention('validation', chosen) : null,
      ]);
      if (!this.scene.scene.isActive()) return;
      if (health && this.health) {
        const h = health.find((e) => e.layer === layer) ?? health[0];
        if (h && step > 0 && step !== this.healthStep) {
          this.health.add(step, h.norms);
          this.healthStep = step;
        }
        this.shown.health = this.health.shown;
      }
      if (state) this.paintState(state);
      if (pred) this.paintAnswers(pred);
      if (attention && this.attention && chosen === this.chosen) {
        this.attention.paint(attention, step, chosen);
        this.shown.attention = { ...this.attention.sharpness };
      }
      if (weights && this.recurrentWeights) this.paintWeights(weights as Float32Array);
      if (samples && this.samples) {
        this.samples.show(samples);
        this.shown.samples = this.samples.shown;
      }
      this.shown.step = step;
      this.report();
    } finally {
      this.busy = false;
      const again = this.again;
      this.again = null;
      if (again && this.scene.scene.isActive()) void this.refresh(again.force, this.step);
    }
  }

  private paintState(s: RecurrentState): void {
    const { steps: T, hidden: H } = s;
    const paint = (m: Map, values: Float32Array, level = m.level): void => {
      // Rows: units; columns: steps (values are [T, H]).
      this.shown.state[m.name] = m.grid.paint(H, T, (r, c) => level(values[c * H + r]!), m.table);
    };
    if (this.hidden) paint(this.hidden, s.h);
    for (const m of this.gates) {
      const values = m.name === 'c' ? s.c : s.gates?.[m.name];
      if (values) paint(m, values);
    }
  }

  private paintAnswers(pred: Float32Array): void {
    const { task, outputs } = this.o.info.data;
    const count = this.seq.examples.count;
    const positions = Math.max(1, Math.round(pred.length / (count * outputs)));
    const a = stepAnswers(task, outputs, positions, pred, this.seq.examples.y, this.chosen);
    this.sequence?.setAnswers(a);
    this.shown.answers =
      task === 'regression'
        ? null
        : { right: a.right.filter(Boolean).length, total: a.right.length };
  }

  private paintWeights(w: Float32Array): void {
    const grid = this.recurrentWeights!;
    const H = Math.round(Math.sqrt(w.length));
    const peak = peakOf(w);
    this.shown.state['weight_hh'] = grid.paint(
      H,
      H,
      (r, c) => levelOf(w[r * H + c]!, -peak, peak),
      DIVERGING_TABLE,
    );
  }

  private report(): void {
    const shown: SequencePicturesShown = { sequence: structuredClone(this.shown) };
    reportPictures(shown);
  }
}
