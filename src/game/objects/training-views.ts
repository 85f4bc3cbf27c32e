/**
 * The pictures of the Training view, apart from the loss chart: what the network computes over
 * its input space on the left (the decision boundary with the data, a line fit's loss landscape,
 * a curve, a confusion matrix or predicted-against-true), inside the network on the right (one
 * map per first-layer neuron, a confusion matrix, or the layer table), the network's weights in
 * the middle, and under the left picture the previous era's model keeping pace (`GhostStrip`).
 * The scene builds it once the learner exists and asks it to redraw from the worker now and then;
 * each redraw is one round trip.
 */
import * as Phaser from 'phaser';
import type { LearnerInfo } from '../../engine/trainer.js';
import type { ModelSpec } from '../../engine/spec.js';
import type { Level } from '../../levels/types.js';
import { curveXs, type Ghost } from '../ghost.js';
import { reportPictures, services } from '../services.js';
import { COLORS, CSS, TEXT, textStyle } from '../theme.js';
import { Confusion, confusionCounts } from './confusion.js';
import { GhostStrip } from './ghost-strip.js';
import { Heatmap, drawMarker, extentOf, gridInputs, type Extent } from './heatmap.js';
import { paintBoundary, samplePoints } from './boundary.js';
import { Landscape } from './landscape.js';
import { NetworkView } from './network-view.js';
import { NeuronMaps } from './neuron-maps.js';
import { Scatter } from './scatter.js';
import { PlaneViews, type Editing } from './plane-views.js';
import type { ViewFlags } from '../state/share.js';

/** Boundary map resolution (cells per side) and neuron map resolution. */
const GRID = 48;
const NEURON_GRID = 28;

export interface TrainingViewsOptions {
  info: LearnerInfo;
  spec: ModelSpec;
  /** The level, or null in the sandbox (no old way to show, the pictures a little larger). */
  level: Level | null;
  /** The sandbox's view check boxes (levels draw the training points, smoothly). */
  view: ViewFlags;
  /** Hand-editing of weights and biases: the sandbox only (a level's run is judged as trained). */
  editing: Editing | null;
}

export class TrainingViews {
  private boundary: Heatmap | null = null;
  private extent: Extent | null = null;
  private grid: Float32Array | null = null;
  private neurons: NeuronMaps | null = null;
  private neuronTensor: string | null = null;
  /** The loss landscape of a one-weight line fit; the scene feeds it the weights' path. */
  landscape: Landscape | null = null;
  private fitPlot: Phaser.GameObjects.Graphics | null = null;
  private fitArea = { left: 56, top: 122, size: 380 };
  private fitData: { x: Float32Array; y: Float32Array } | null = null;
  private scatter: Scatter | null = null;
  private confusion: Confusion | null = null;
  private network: NetworkView | null = null;
  /** The graph, the large neuron and the sandbox's check boxes and editing, on 2-D tasks. */
  private plane: PlaneViews | null = null;
  /** The boundary's points: training rows, and the test rows the check box may add. */
  private points: { x: number[]; classes: number[] | null } | null = null;
  private testPoints: { x: number[]; classes: number[] | null } | null = null;
  private denseModules: number[] = [];
  private validationSet: { x: Float32Array; y: Float32Array } | null = null;
  /** Lowest point drawn in the left panel: the ghost strip goes under it. */
  private leftBottom = 0;
  private ghost: Ghost | null = null;
  private strip: GhostStrip | null = null;
  /** The run's step the pictures show. */
  private step = 0;

  constructor(
    private readonly scene: Phaser.Scene,
    private readonly o: TrainingViewsOptions,
  ) {}

  /**
   * Puts the previous era's model under the left picture, keeping pace with the run; `format`
   * writes its goal metric as the view does.
   */
  showGhost(ghost: Ghost, format: (value: number) => string): void {
    const { task, outputs } = this.o.info.data;
    this.ghost = ghost;
    this.strip = new GhostStrip(this.scene, {
      x: 32,
      y: this.leftBottom + 12,
      width: 408,
      ghost,
      format,
      paint:
        ghost.picture === 'plane' ? (map, out) => paintBoundary(map, out, task, outputs) : null,
    });
  }

  /** Moves the old way to the run's step (its run over: `Infinity`). */
  followGhost(step: number): void {
    this.strip?.update(step);
  }

  /** What the old way shows now, for the browser tests' hook. */
  get ghostShown(): { step: number; missed: boolean } | null {
    return this.strip ? { ...this.strip.shown } : null;
  }

  async build(): Promise<void> {
    const info = this.o.info;
    const trainer = services().trainer;
    const { inputs, task, outputs } = info.data;
    const spec = this.o.spec;
    const classes = task === 'multiclass' ? outputs : task === 'binary' ? 2 : 0;
    const lineFit =
      inputs === 1 &&
      spec.layers.length === 1 &&
      spec.layers[0]!.type === 'dense' &&
      spec.layers[0]!.units === 1;
    this.denseModules = info.summary.filter((r) => r.kind === 'dense').map((r) => r.module);
    const x = (await trainer.read('train.x')) as Float32Array;
    const y = (await trainer.read('train.y')) as Float32Array;
    const vx = (await trainer.read('validation.x')) as Float32Array;
    const vy = (await trainer.read('validation.y')) as Float32Array;
    this.validationSet = { x: vx, y: vy };
    const rows = x.length / inputs;
    const yWidth = y.length / rows;
    const labels = new Float32Array(rows);
    for (let i = 0; i < rows; i++) labels[i] = y[i * yWidth]!;

    // Left panel: what the network computes over its input space; on a level the picture is a
    // little smaller, to leave room under it for the old way's strip.
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
    } else if (inputs === 2) {
      this.title(32, classes ? 'Decision boundary' : 'Prediction over the input plane');
      this.extent = extentOf(x);
      this.grid = gridInputs(this.extent, GRID);
      this.boundary = new Heatmap(this.scene, {
        x: 46 + (380 - size) / 2,
        y: 122,
        size,
        resolution: GRID,
      });
      this.points = samplePoints(x, y, classes > 0);
      if (this.o.editing) {
        const tx = (await trainer.read('test.x')) as Float32Array;
        const ty = (await trainer.read('test.y')) as Float32Array;
        this.testPoints = samplePoints(tx, ty, classes > 0);
      }
      this.plotPoints();
      this.legend(classes, below);
    } else if (inputs === 1) {
      this.title(32, 'The data and the network’s curve');
      this.fitData = { x, y: labels };
      this.fitArea = { left: 56 + (380 - size) / 2, top: 122, size };
      this.fitPlot = this.scene.add.graphics();
      this.caption(
        32,
        below,
        'Blue dots: the training data. Orange line: what the network predicts for each x.',
      );
    } else if (classes) {
      this.title(32, 'Confusion matrix (validation)');
      const side = size - 20;
      this.confusion = new Confusion(this.scene, { x: 56, y: 130, size: side, classes });
      const bottom = this.caption(
        32,
        130 + side + 10,
        'Rows: the true class; columns: the network’s answer. The outlined diagonal is correct.',
      );
      this.legend(classes, bottom + 8, false);
    } else {
      this.title(32, 'Predicted vs true (validation)');
      this.scatter = new Scatter(this.scene, { x: 66, y: 130, size: size - 30 });
      this.leftBottom = 130 + size - 30 + 26;
    }

    // Right panel: inside the network.
    const firstDense = info.summary.find((r) => r.kind === 'dense');
    const hidden = firstDense ? info.summary.filter((r) => r.layer === firstDense.layer) : [];
    const hasHidden = info.summary.filter((r) => r.kind === 'dense').length > 1;
    let rightY = 122;
    let rightUsed = false;
    if (inputs === 2 && this.extent) {
      this.plane = new PlaneViews(this.scene, {
        info,
        spec,
        extent: this.extent,
        view: this.o.view,
        editing: this.o.editing,
        togglesY: this.leftBottom + 8,
        redraw: () => this.repaintPlane(),
      });
      rightY = 700;
      rightUsed = true;
    } else if (inputs === 2 && hasHidden && hidden.length) {
      const names = new Set(info.tensors.map((t) => t.name));
      const last = [...hidden].reverse().find((r) => names.has(`${r.module}.out`));
      if (last) {
        this.neuronTensor = `${last.module}.out`;
        const units = last.outputShape[0] ?? 1;
        this.title(900, `First hidden layer: ${units} neurons`);
        this.neurons = new NeuronMaps(this.scene, {
          x: 904,
          y: 122,
          width: 344,
          count: units,
          resolution: NEURON_GRID,
          max: 16,
        });
        rightY = 122 + this.neurons.height + 8;
        rightUsed = true;
        this.scene.add
          .text(
            904,
            rightY,
            'Each map: one neuron’s output over the plane (blue −, orange +)',
            textStyle(TEXT.small, CSS.textDim),
          )
          .setWordWrapWidth(344);
        rightY += 48;
      }
    }
    if (classes && !this.confusion && rightY < 430) {
      this.heading(900, rightY, 'Confusion (validation)');
      const size = Math.min(220, 690 - rightY - 36);
      this.confusion = new Confusion(this.scene, { x: 904, y: rightY + 30, size, classes });
      rightUsed = true;
    } else if (lineFit) {
      this.title(900, 'The data and the line');
      this.fitData = { x, y: labels };
      this.fitArea = { left: 924, top: 122, size: 320 };
      this.fitPlot = this.scene.add.graphics();
      rightUsed = true;
      this.caption(
        900,
        460,
        'Blue dots: the training data. Orange: the line y = w·x + b that the weights draw now.',
        344,
      );
    } else if (!classes && !this.scatter && rightY < 430) {
      this.heading(900, rightY, 'Predicted vs true (validation)');
      const size = Math.min(240, 680 - rightY - 56);
      this.scatter = new Scatter(this.scene, { x: 930, y: rightY + 34, size });
      rightUsed = true;
    }

    if (!rightUsed) this.summaryPanel(info);

    // Middle panel, bottom: the network itself, breathing (a 2-D task has the graph instead).
    if (this.plane) return;
    const widths = [
      inputs,
      ...info.summary.filter((r) => r.kind === 'dense').map((r) => r.outputShape[0] ?? 1),
    ];
    this.scene.add.text(
      488,
      540,
      'Weights (thickness = size, colour = sign)',
      textStyle(TEXT.small, CSS.textDim),
    );
    this.network = new NetworkView(this.scene, { x: 500, y: 566, width: 340, height: 118, widths });
  }

  /** The ghost's prediction over the fit plot's x values at the player's step, if it has one. */
  private ghostCurve(): Float32Array | null {
    const g = this.ghost;
    if (!g || g.picture !== 'curve') return null;
    let frame: Float32Array | null = null;
    for (const f of g.run.frames) if (f.step <= this.step) frame = f.out;
    return frame;
  }

  /**
   * Redraws the pictures from the worker: grid predictions, probes, weights, validation. All
   * requests go out at once (Comlink queues them in the worker), so a refresh costs one round
   * trip, not one per picture.
   */
  async refresh(force: boolean, step: number): Promise<void> {
    this.step = step;
    const trainer = services().trainer;
    const { task, outputs, inputs } = this.o.info.data;
    const none = Promise.resolve(null);
    const [grid, , acts, val, weights] = await Promise.all([
      this.boundary && this.grid ? trainer.predict(this.grid) : none,
      this.plane?.refresh(),
      this.neurons && this.neuronTensor && this.extent
        ? trainer.probe(gridInputs(this.extent, NEURON_GRID), [this.neuronTensor])
        : none,
      (this.confusion || this.scatter) && this.validationSet
        ? trainer.predict(this.validationSet.x)
        : none,
      this.network ? Promise.all(this.denseModules.map((m) => trainer.read(`${m}.weight`))) : none,
    ]);
    if (!this.scene.scene.isActive()) return;
    if (grid && this.boundary) {
      paintBoundary(this.boundary, grid, task, outputs, this.o.view.discretize);
      reportPictures({ boundary: grid.reduce((a, v) => a + v, 0) });
    }
    const a = acts && this.neuronTensor ? acts[this.neuronTensor] : undefined;
    if (a) this.neurons?.update(a);
    if (this.landscape && force && this.step === 0) this.landscape.resetPath();
    if (this.fitPlot && this.fitData) await this.paintFit();
    if (val && this.validationSet) {
      const rows = this.validationSet.x.length / inputs;
      const yWidth = this.validationSet.y.length / rows;
      const truth = new Float32Array(rows);
      for (let i = 0; i < rows; i++) truth[i] = this.validationSet.y[i * yWidth]!;
      if (this.confusion)
        this.confusion.update(confusionCounts(truth, val, task === 'multiclass' ? outputs : 2));
      if (this.scatter) {
        const width = val.length / rows;
        const pred = new Float32Array(rows);
        for (let i = 0; i < rows; i++) pred[i] = val[i * width]!;
        // In the data's own units when the targets were standardised for training.
        const scale = this.o.info.data.targetScale;
        if (scale) {
          for (let i = 0; i < rows; i++) {
            truth[i] = truth[i]! * scale.std + scale.mean;
            pred[i] = pred[i]! * scale.std + scale.mean;
          }
        }
        this.scatter.update(truth, pred);
      }
    }
    if (weights) this.network?.update(weights as Float32Array[]);
  }

  /** Draws the boundary's points, with the test points when the check box asks for them. */
  private plotPoints(): void {
    if (!this.boundary || !this.extent || !this.points) return;
    const test = this.o.view.showTest ? this.testPoints : null;
    this.boundary.plotPoints(this.points.x, this.points.classes, this.extent, 3.5, test);
  }

  /** After a check box or a hand-typed weight: the points, the boundary and the graph anew. */
  private async repaintPlane(): Promise<void> {
    this.plotPoints();
    await this.refresh(true, this.step);
  }

  /** 1-D regression: the data as dots and the network's prediction as a curve over x. */
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

  /** Fills an otherwise empty right panel with the layer table: shapes and parameter formulas. */
  private summaryPanel(info: LearnerInfo): void {
    this.title(900, 'The network, layer by layer');
    const lines = [`input [${info.data.inputs}]`];
    for (const r of info.summary) {
      if (r.kind === 'dense')
        lines.push(`dense → [${r.outputShape.join(', ')}]   ${r.formula} parameters`);
      else if (r.kind === 'dropout') lines.push(`dropout → [${r.outputShape.join(', ')}]`);
      else lines.push(`activation → [${r.outputShape.join(', ')}]`);
    }
    lines.push('', `${info.totalParams} parameters in all`);
    this.scene.add
      .text(904, 126, lines.join('\n'), textStyle(TEXT.body, CSS.text))
      .setLineSpacing(6)
      .setWordWrapWidth(344);
    this.caption(
      900,
      420,
      `Data: ${info.data.name} · ${info.data.rows.train} training rows, ${info.data.rows.validation} validation, ${info.data.rows.test} test.`,
      344,
    );
  }

  /** A panel's title, at the top of the panel. */
  private title(x: number, text: string): void {
    this.heading(x, 88, text);
  }

  private heading(x: number, y: number, text: string): void {
    this.scene.add.text(x, y, text, textStyle(TEXT.label, CSS.text, 600));
  }

  /** A caption under a picture; returns its bottom edge, and keeps the left panel's lowest. */
  private caption(x: number, y: number, text: string, wrap = 404): number {
    const t = this.scene.add
      .text(x, y, text, textStyle(TEXT.small, CSS.textDim))
      .setWordWrapWidth(wrap)
      .setLineSpacing(3);
    const bottom = t.y + t.height;
    if (x < 472) this.leftBottom = Math.max(this.leftBottom, bottom);
    return bottom;
  }

  /** Class markers with their names: the key of the boundary map and of the confusion matrix. */
  private legend(classes: number, y: number, boundaryCaption = true): void {
    const g = this.scene.add.graphics();
    if (!classes) {
      this.caption(
        32,
        y,
        'Background: the network’s prediction at each place, purple low, yellow high. Dots: the training points.',
      );
      return;
    }
    const names = this.o.info.data.classNames;
    let x = 40;
    for (let k = 0; k < Math.min(classes, 7); k++) {
      drawMarker(g, k, x, y + 10, 6);
      const label = this.scene.add.text(
        x + 10,
        y,
        names?.[k] ?? `${k}`,
        textStyle(TEXT.small, CSS.text),
      );
      x += Math.max(58, label.width + 32);
    }
    this.leftBottom = Math.max(this.leftBottom, y + 22);
    if (!boundaryCaption) return;
    this.caption(
      32,
      y + 26,
      'Markers: the true class of each training point (colour and shape). Background: the network’s answer; paler = less sure.',
    );
  }
}
