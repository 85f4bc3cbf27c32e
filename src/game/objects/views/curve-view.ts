/**
 * The pictures of a task over one input: a curve through the data. A line fit (one dense unit,
 * the chapter 0 start) shows its loss landscape on the left — equal-loss bands over (w, b) with
 * gradient descent's path, fed by the run loop after every chunk — and the data with the line
 * on the right; any other network its curve through the data on the left and its validation
 * answers on the right. The old way's curve follows in grey at the same step; the weights
 * breathe in the middle.
 */
import * as Phaser from 'phaser';
import { curveXs } from '../../ghost.js';
import { services } from '../../services.js';
import { COLORS } from '../../theme.js';
import { Confusion } from '../confusion.js';
import { Landscape } from '../landscape.js';
import { Scatter } from '../scatter.js';
import { PanelView, classCount } from './panel-view.js';
import { ValidationAnswers, readValidation } from './validation-answers.js';
import { WeightsPanel } from './weights-panel.js';

export class CurveView extends PanelView {
  /** The loss landscape of a one-weight line fit; the run loop feeds it the weights' path. */
  private landscape: Landscape | null = null;
  private fitPlot: Phaser.GameObjects.Graphics | null = null;
  private fitArea = { left: 56, top: 122, size: 380 };
  private fitData: { x: Float32Array; y: Float32Array } | null = null;
  private answers: ValidationAnswers | null = null;
  private weights: WeightsPanel | null = null;
  /** The run's step the pictures show. */
  private step = 0;

  async build(): Promise<void> {
    const { info, spec } = this.o;
    const trainer = services().trainer;
    const classes = classCount(info);
    const lineFit =
      spec.layers.length === 1 && spec.layers[0]!.type === 'dense' && spec.layers[0]!.units === 1;
    const x = (await trainer.read('train.x')) as Float32Array;
    const y = (await trainer.read('train.y')) as Float32Array;
    const validation = await readValidation();
    const rows = x.length;
    const yWidth = y.length / rows;
    const labels = new Float32Array(rows);
    for (let i = 0; i < rows; i++) labels[i] = y[i * yWidth]!;

    // Left panel: what the network computes over its input; on a level the picture is a little
    // smaller, to leave room under it for the old way's strip.
    const size = this.o.level ? 330 : 380;
    const below = 122 + size + 10;
    if (lineFit) {
      this.title(32, 'Loss landscape: MSE over (w, b)');
      this.landscape = new Landscape(this.scene, { x: 56 + (380 - size) / 2, y: 122, size });
      const w = (await trainer.read('0.weight')) as Float32Array;
      const b = (await trainer.read('0.bias')) as Float32Array;
      this.landscape.setData(x, labels, w[0]!, b[0]!);
      this.caption(
        32,
        below + 18,
        'Bands are equal-loss contours (brighter = lower loss). The purple line is the path gradient descent took; the orange dot is where the weights are now.',
      );
    } else {
      this.title(32, 'The data and the network’s curve');
      this.fitData = { x, y: labels };
      this.fitArea = { left: 56 + (380 - size) / 2, top: 122, size };
      this.fitPlot = this.scene.add.graphics();
      this.caption(
        32,
        below,
        'Blue dots: the training data. Orange line: what the network predicts for each x.',
      );
    }

    // Right panel: the answers for classes, the line of a line fit, else predicted vs true.
    const rightY = 122;
    if (classes) {
      this.heading(900, rightY, 'Confusion (validation)');
      const side = Math.min(220, 690 - rightY - 36);
      const confusion = new Confusion(this.scene, { x: 904, y: rightY + 30, size: side, classes });
      this.answers = new ValidationAnswers(info, validation, confusion);
    } else if (lineFit) {
      this.title(900, 'The data and the line');
      this.fitData = { x, y: labels };
      this.fitArea = { left: 924, top: 122, size: 320 };
      this.fitPlot = this.scene.add.graphics();
      this.caption(
        900,
        460,
        'Blue dots: the training data. Orange: the line y = w·x + b that the weights draw now.',
        344,
      );
    } else {
      this.heading(900, rightY, 'Predicted vs true (validation)');
      const side = Math.min(240, 680 - rightY - 56);
      const scatter = new Scatter(this.scene, { x: 930, y: rightY + 34, size: side });
      this.answers = new ValidationAnswers(info, validation, scatter);
    }

    // Middle panel, bottom: the network itself, breathing.
    this.weights = new WeightsPanel(this.scene, info);
  }

  override get followsPath(): boolean {
    return this.landscape !== null;
  }

  override addPathPoint(w: number, b: number): void {
    this.landscape?.addPoint(w, b);
  }

  override restart(): void {
    this.landscape?.resetPath();
  }

  /**
   * Redraws from the worker: validation answers and weights at once (one round trip), then
   * the curve over x.
   */
  async refresh(force: boolean, step: number): Promise<void> {
    this.step = step;
    const [val, weights] = await Promise.all([
      this.answers ? this.answers.predict() : null,
      this.weights ? this.weights.read() : null,
    ]);
    if (!this.scene.scene.isActive()) return;
    if (this.landscape && force && this.step === 0) this.landscape.resetPath();
    if (this.fitPlot && this.fitData) await this.paintFit();
    if (val) this.answers?.show(val);
    if (weights) this.weights?.show(weights);
  }

  /** The ghost's prediction over the fit plot's x values at the player's step, if it has one. */
  private ghostCurve(): Float32Array | null {
    const g = this.ghost;
    if (!g || g.picture !== 'curve') return null;
    let frame: Float32Array | null = null;
    for (const f of g.run.frames) if (f.step <= this.step) frame = f.out;
    return frame;
  }

  /** The data as dots and the network's prediction as a curve over x. */
  private async paintFit(): Promise<void> {
    const { x, y } = this.fitData!;
    const { left, top, size } = this.fitArea;
    let xl = Infinity;
    let xh = -Infinity;
    let yl = Infinity;
    let yh = -Infinity;
    for (let i = 0; i < x.length; i++) {
      xl = Math.min(xl, x[i]!);
      xh = Math.max(xh, x[i]!);
      yl = Math.min(yl, y[i]!);
      yh = Math.max(yh, y[i]!);
    }
    const padY = (yh - yl || 1) * 0.15;
    yl -= padY;
    yh += padY;
    const xs = curveXs(xl, xh);
    const pred = await services().trainer.predict(xs);
    const px = (v: number): number => left + ((v - xl) / (xh - xl || 1)) * size;
    const py = (v: number): number =>
      Phaser.Math.Clamp(top + size - ((v - yl) / (yh - yl)) * size, top, top + size);
    const g = this.fitPlot!.clear();
    g.lineStyle(1, COLORS.line, 1).strokeRect(left, top, size, size);
    g.fillStyle(COLORS.data, 0.8);
    for (let i = 0; i < x.length; i++) g.fillCircle(px(x[i]!), py(y[i]!), 2.5);
    const line = (ys: Float32Array, stride: number, width: number, color: number): void => {
      g.lineStyle(width, color, 1).beginPath();
      g.moveTo(px(xs[0]!), py(ys[0]!));
      for (let i = 1; i < xs.length; i++) g.lineTo(px(xs[i]!), py(ys[i * stride]!));
      g.strokePath();
    };
    line(pred, pred.length / xs.length, 3, COLORS.weights);
    // The old way's line at the same step, in grey: the same x values (its frames are over the
    // training x range too, see ghost.ts), one output.
    const ghost = this.ghostCurve();
    if (ghost) line(ghost, 1, 2, COLORS.textDim);
  }
}
