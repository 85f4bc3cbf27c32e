/**
 * Scaling: the epilogue. The ladder of `src/levels/scaling.ts` (one transformer in five sizes,
 * all on Moby-Dick with the same optimizer, batch and steps) trained one rung after another in
 * the worker, each rung's row filling as it trains; a log–log plot of validation loss against
 * parameters or against compute with the power law fitted through the trained rungs (by the
 * kernel, through `trainer.powerLaw`) and read at GPT-2's and GPT-3's sizes; and three columns
 * of plain words on what grows, what stays the same and what nobody knows. Results are kept per
 * training length while the page is open, and the full ladder's in the save as well (the map
 * stars the epilogue once every rung is trained).
 */
import * as Phaser from 'phaser';
import { MELVILLE_VOCAB } from '../../data/melville.js';
import {
  KNOWN_MODELS,
  LADDER,
  LADDER_DATA,
  LADDER_LENGTHS,
  LADDER_OPTIONS,
  LADDER_SEED,
  rungFlops,
  rungSpec,
  type LadderLength,
  type Rung,
} from '../../levels/scaling.js';
import {
  RUNG_COLORS,
  ScalingPlot,
  type PlotAxis,
  type PlotLine,
  type PlotMark,
  type PlotRung,
} from '../objects/scaling-plot.js';
import { reportScaling, services } from '../services.js';
import { COLORS, CSS, RADIUS, TEXT, WIDTH } from '../theme.js';
import { Button } from '../ui/button.js';
import { formatLoss } from '../ui/format.js';
import { FocusManager } from '../ui/focus.js';
import { onKeyDown } from '../ui/keys.js';
import { addText } from '../ui/text.js';
import { SCENES } from './keys.js';
import {
  QUICK_WORDS,
  SAME_STEPS_WORDS,
  SCALING_COLUMNS,
  SCALING_INTRO,
  SCALING_TITLE,
  extrapolationWords,
  fitWords,
} from './scaling-text.js';

/** Steps per call to the worker, and validation checks per rung (points of its compute curve). */
const CHUNK = 50;
const CHECKS = 10;

/** A rung's outcome. */
interface RungResult extends PlotRung {
  readonly diverged: boolean;
}

/** Results per training length, kept while the page is open. */
const results: Record<LadderLength, Map<string, RungResult>> = {
  full: new Map(),
  quick: new Map(),
};

/** The fitted line of one plot, with its readings at the known models. */
interface AxisFit {
  readonly alpha: number;
  readonly r2: number;
  readonly line: PlotLine;
  readonly marks: PlotMark[];
}

/** Where each plot's line is drawn from and to (its x axis). */
const PLOT_RANGE: Record<PlotAxis, readonly [number, number]> = {
  params: [1e3, 1e12],
  compute: [1e9, 1e24],
};

const ROW_Y = 150;
const ROW_H = 52;
const LEFT_W = 470;

export class Scaling extends Phaser.Scene {
  private length: LadderLength = 'full';
  private axis: PlotAxis = 'params';
  private running = false;
  private stopAsked = false;
  private alive = false;
  /** The rung training now, and how far (0..1). */
  private current: { id: string; done: number } | null = null;
  private rows!: Phaser.GameObjects.Graphics;
  private rowTexts: Phaser.GameObjects.Text[] = [];
  private plot!: ScalingPlot;
  private fitText!: Phaser.GameObjects.Text;
  private status!: Phaser.GameObjects.Text;
  private trainButton!: Button;
  private lengthButton!: Button;
  private axisButton!: Button;
  private fits: Record<PlotAxis, AxisFit | null> = { params: null, compute: null };

  constructor() {
    super(SCENES.scaling);
  }

  create(): void {
    // Rungs trained on an earlier visit come back from the save.
    for (const [id, saved] of Object.entries(services().saves.ladder())) {
      const rung = LADDER.find((r) => r.id === id);
      if (rung && !results.full.has(id)) {
        results.full.set(id, { name: rung.name, ...saved, diverged: false });
      }
    }
    this.alive = true;
    this.running = false;
    this.current = null;
    this.fits = { params: null, compute: null };
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, () => {
      this.alive = false;
      this.stopAsked = true;
    });
    new Button(this, {
      x: 16,
      y: 14,
      label: 'Map',
      icon: 'back',
      variant: 'ghost',
      tooltip: 'Back to the journey map',
      onClick: () => this.scene.start(SCENES.map),
    });
    addText(this, 130, 12, SCALING_TITLE, { size: TEXT.title, weight: 600 });
    addText(this, 130, 50, SCALING_INTRO, { size: TEXT.small, color: CSS.textDim });

    const panels = this.add.graphics().fillStyle(COLORS.panel, 1);
    panels.fillRoundedRect(16, 80, LEFT_W, 440, RADIUS);
    panels.fillRoundedRect(LEFT_W + 32, 80, WIDTH - LEFT_W - 48, 440, RADIUS);
    addText(this, 32, 92, 'The ladder', { size: TEXT.label, weight: 600 });
    addText(this, 32, 120, 'one transformer on Moby-Dick, five sizes', {
      size: TEXT.small,
      color: CSS.textDim,
    });
    this.rows = this.add.graphics();

    this.trainButton = new Button(this, {
      x: 32,
      y: 462,
      width: 170,
      label: 'Train the ladder',
      icon: 'play',
      variant: 'primary',
      tooltip: 'Train every rung not trained yet, smallest first (Space)',
      onClick: () => void this.toggle(),
    });
    this.lengthButton = new Button(this, {
      x: 214,
      y: 462,
      width: 256,
      label: '',
      tooltip: 'Full: 3000 steps a rung (a few minutes for the biggest); quick: 300',
      onClick: () => this.setLength(this.length === 'full' ? 'quick' : 'full'),
      name: 'Training length',
    });
    this.axisButton = new Button(this, {
      x: WIDTH - 16 - 16 - 230,
      y: 92,
      width: 230,
      label: '',
      tooltip: 'Plot the loss against parameters or against the compute spent training',
      onClick: () => {
        this.axis = this.axis === 'params' ? 'compute' : 'params';
        this.redraw();
      },
      name: 'Plot against',
    });
    this.plot = new ScalingPlot(this, LEFT_W + 100, 160, WIDTH - LEFT_W - 160, 220);
    this.status = addText(this, 32, 410, '', {
      size: TEXT.small,
      color: CSS.textDim,
      wrap: LEFT_W - 32,
    });
    addText(this, LEFT_W + 48, 92, 'Loss against size, on log–log axes', {
      size: TEXT.label,
      weight: 600,
    });
    this.fitText = addText(this, LEFT_W + 48, 436, '', {
      size: TEXT.small,
      color: CSS.text,
      wrap: WIDTH - LEFT_W - 96,
    });

    const colW = (WIDTH - 32 - 2 * 16) / 3;
    SCALING_COLUMNS.forEach((c, i) => {
      const x = 16 + i * (colW + 16);
      this.add.graphics().fillStyle(COLORS.panel, 1).fillRoundedRect(x, 536, colW, 168, RADIUS);
      addText(this, x + 16, 546, c.heading, { size: TEXT.label, weight: 600 });
      addText(this, x + 16, 574, c.body, {
        size: TEXT.small,
        color: CSS.textDim,
        wrap: colW - 32,
        lineSpacing: 3,
      });
    });

    FocusManager.for(this);
    onKeyDown(this, () => void this.toggle(), 'SPACE');
    onKeyDown(this, () => this.scene.start(SCENES.map), 'ESC');
    this.setLength(this.length);
  }

  private setLength(length: LadderLength): void {
    if (this.running) return;
    this.length = length;
    this.lengthButton.setLabel(
      length === 'full'
        ? `Full: ${LADDER_LENGTHS.full} steps a rung`
        : `Quick: ${LADDER_LENGTHS.quick} steps a rung`,
    );
    void this.refit();
  }

  private async toggle(): Promise<void> {
    if (this.running) {
      this.stopAsked = true;
      return;
    }
    // Every rung trained already: train them all again, to watch it (the same seed gives the
    // same losses).
    if (LADDER.every((r) => results[this.length].has(r.id))) results[this.length].clear();
    this.running = true;
    this.stopAsked = false;
    this.trainButton.setLabel('Stop').setIcon('pause');
    this.lengthButton.setDisabled(true);
    try {
      for (const rung of LADDER) {
        if (this.stopAsked) break;
        if (!results[this.length].has(rung.id)) await this.trainRung(rung);
      }
    } catch (error) {
      if (this.alive) this.status.setText(`Training stopped: ${(error as Error).message}`);
    } finally {
      this.running = false;
      this.current = null;
      if (this.alive) {
        this.trainButton.setLabel('Train the ladder').setIcon('play');
        this.lengthButton.setDisabled(false);
        this.redraw();
      }
    }
  }

  /** Trains one rung to the end (or until Stop, which throws its progress away). */
  private async trainRung(rung: Rung): Promise<void> {
    const { trainer } = services();
    const steps = LADDER_LENGTHS[this.length];
    const length = this.length;
    this.current = { id: rung.id, done: 0 };
    this.status.setText(`Building ${rung.name}…`);
    this.redraw();
    const info = await trainer.create(
      rungSpec(rung, MELVILLE_VOCAB.length),
      LADDER_DATA,
      LADDER_OPTIONS,
      LADDER_SEED,
    );
    const params = info.totalParams;
    const curve: { flops: number; loss: number }[] = [];
    const every = steps / CHECKS;
    let step = 0;
    let diverged = false;
    const started = performance.now();
    while (step < steps) {
      if (this.stopAsked || !this.alive) return;
      const r = await trainer.step(Math.min(CHUNK, steps - step));
      step = r.step;
      if (r.diverged) {
        diverged = true;
        break;
      }
      if (step % every === 0) {
        const v = await trainer.evaluate('validation');
        curve.push({ flops: rungFlops(params, step), loss: v.loss });
      }
      this.current = { id: rung.id, done: step / steps };
      const left = ((performance.now() - started) / step) * (steps - step);
      if (this.alive) {
        this.status.setText(
          `Training ${rung.name}: step ${step} of ${steps}, about ${Math.ceil(left / 1000)} s left`,
        );
        this.redraw();
      }
    }
    const loss = diverged ? Number.NaN : curve.at(-1)!.loss;
    results[length].set(rung.id, { name: rung.name, params, loss, curve, diverged });
    // The full ladder is kept in the save (a quick look is not worth a reload's memory).
    if (length === 'full' && !diverged)
      services().saves.recordRung(rung.id, { params, loss, curve });
    if (this.alive) await this.refit();
  }

  private trained(): RungResult[] {
    return LADDER.map((r) => results[this.length].get(r.id)).filter(
      (r): r is RungResult => r !== undefined && !r.diverged,
    );
  }

  /**
   * Refits the line through the trained rungs, against parameters and against compute (the
   * kernel's log and exp), reads it at the known models, and redraws.
   */
  private async refit(): Promise<void> {
    const done = this.trained();
    const fits: Record<PlotAxis, AxisFit | null> = { params: null, compute: null };
    if (done.length >= 2) {
      const { trainer } = services();
      for (const axis of ['params', 'compute'] as const) {
        const xOf = (r: RungResult): number =>
          axis === 'params' ? r.params : r.curve.at(-1)!.flops;
        const known = KNOWN_MODELS.flatMap((m) => {
          const x = axis === 'params' ? m.params : m.flops;
          return x === undefined ? [] : [{ name: m.name, x }];
        });
        const [from, to] = PLOT_RANGE[axis];
        const { law, at } = await trainer.powerLaw(
          done.map((r) => ({ x: xOf(r), y: r.loss })),
          [from, to, ...known.map((m) => m.x)],
        );
        fits[axis] = {
          alpha: law.alpha,
          r2: law.r2,
          line: {
            a: law.a,
            alpha: law.alpha,
            from,
            to,
            fromLoss: at[0]!,
            toLoss: at[1]!,
            trained: Math.max(...done.map(xOf)),
          },
          marks: known.map((m, k) => ({ ...m, predicted: at[k + 2]! })),
        };
      }
    }
    this.fits = fits;
    if (this.alive) this.redraw();
  }

  private redraw(): void {
    this.drawRows();
    const done = this.trained();
    const fit = this.fits[this.axis];
    this.plot.draw(this.axis, done, fit?.line ?? null, fit?.marks ?? []);
    this.axisButton.setLabel(this.axis === 'params' ? 'Against: parameters' : 'Against: compute');
    const last = fit?.marks.at(-1);
    this.fitText.setText(
      fit && last
        ? `${fitWords(this.axis, fit.alpha, fit.r2)} ${extrapolationWords(last.name, last.predicted!)}${this.axis === 'compute' ? ` ${SAME_STEPS_WORDS}` : ''}`
        : 'Train two rungs or more to fit a line through them.',
    );
    if (!this.running) {
      this.status.setText(
        this.length === 'quick'
          ? QUICK_WORDS
          : done.length === LADDER.length
            ? 'Every rung trained: the epilogue has its star on the map. Train the ladder to watch it again.'
            : `${done.length} of ${LADDER.length} rungs trained at this length.`,
      );
    }
    reportScaling({
      length: this.length,
      axis: this.axis,
      running: this.running,
      rungs: LADDER.map((r) => {
        const res = results[this.length].get(r.id);
        return { id: r.id, params: res?.params ?? null, loss: res?.loss ?? null };
      }),
      plotted: this.plot.points,
      alpha: this.fits.params?.alpha ?? null,
      predicted: Object.fromEntries(
        KNOWN_MODELS.map((m) => [
          m.name,
          this.fits.params?.marks.find((k) => k.name === m.name)?.predicted ?? null,
        ]),
      ),
    });
  }

  private drawRows(): void {
    const g = this.rows.clear();
    for (const t of this.rowTexts) t.destroy();
    this.rowTexts = [];
    LADDER.forEach((rung, i) => {
      const y = ROW_Y + i * ROW_H;
      const res = results[this.length].get(rung.id);
      const now = this.current?.id === rung.id ? this.current.done : null;
      g.fillStyle(COLORS.panelRaised, 1).fillRoundedRect(32, y, LEFT_W - 32, ROW_H - 8, 8);
      const fill = res ? 1 : (now ?? 0);
      if (fill > 0) {
        g.fillStyle(res?.diverged ? COLORS.warning : COLORS.data, 0.35);
        g.fillRoundedRect(32, y, (LEFT_W - 32) * fill, ROW_H - 8, 8);
      }
      g.fillStyle(RUNG_COLORS[i % RUNG_COLORS.length]!, 1).fillCircle(LEFT_W - 4, y + 22, 6);
      const shape = `width ${rung.dim} · ${rung.blocks} block${rung.blocks > 1 ? 's' : ''} · ${rung.heads} heads`;
      const outcome = res
        ? res.diverged
          ? 'diverged'
          : `loss ${formatLoss(res.loss)} · ${compact(res.params)} params`
        : now !== null
          ? `training ${Math.round(now * 100)}%`
          : 'not trained';
      this.rowTexts.push(
        addText(this, 44, y + 4, rung.name, { size: TEXT.body, weight: 600 }),
        addText(this, 44, y + 24, shape, { size: TEXT.small, color: CSS.textDim }),
        addText(this, LEFT_W - 18, y + 12, outcome, { size: TEXT.small }).setOrigin(1, 0),
      );
    });
  }
}

/** 9755 → "9.8k", 409891 → "410k". */
function compact(n: number): string {
  return n >= 1e5 ? `${Math.round(n / 1e3)}k` : `${(n / 1e3).toFixed(1)}k`;
}
