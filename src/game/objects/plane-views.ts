/**
 * The Training view's pictures of a 2-D task beyond the decision boundary, as TensorFlow
 * Playground shows them: the network graph on the right (the inputs or feature inputs, every
 * neuron of every layer as a small map, the weights as edges, the biases as squares), a large
 * copy of the neuron under the pointer in the middle, and in the sandbox the "show test data"
 * and "discretize output" check boxes and typing a new value into a weight or a bias while
 * the run is paused. The maps come from one `probe` of every layer over a coarse grid.
 */
import type * as Phaser from 'phaser';
import type { ModelSpec } from '../../engine/spec.js';
import type { LearnerInfo } from '../../engine/trainer.js';
import { reportPictures } from '../services.js';
import type { ViewFlags } from '../state/share.js';
import { COLORS, CSS, TEXT, diverging, textStyle } from '../theme.js';
import { askNumber } from '../ui/number-input.js';
import { Toggle } from '../ui/toggle.js';
import { graphPlan, type GraphPlan } from './graph-columns.js';
import { gridInputs, Heatmap, type Extent } from './heatmap.js';
import { formatValue, NetworkGraph, type GraphTarget } from './network-graph.js';
import { services } from '../services.js';

/** Cells per side of the neuron maps: enough to read a shape, cheap to probe every refresh. */
const GRAPH_GRID = 24;
/** Largest value a weight may be typed as (the engine's own cap for `write`). */
const MAX_TYPED = 1e6;

/** What the sandbox lets the player do by hand, and how the scene hears of it. */
export interface Editing {
  /** Whether a weight may be changed now (the run is paused or over). */
  canEdit: () => boolean;
  /** A weight or bias was changed (or could not be): words for the status line. */
  onEdited: (words: string) => void;
  /** A view check box changed. */
  onView: (view: ViewFlags) => void;
}

export interface PlaneViewsOptions {
  info: LearnerInfo;
  spec: ModelSpec;
  extent: Extent;
  view: ViewFlags;
  editing: Editing | null;
  /** Where the check boxes go (under the boundary's caption), when editing is on. */
  togglesY: number;
  /** Repaints the boundary and its points after a check box or a weight changed. */
  redraw: () => Promise<void>;
}

export class PlaneViews {
  private readonly plan: GraphPlan;
  private readonly graph: NetworkGraph;
  private readonly grid: Float32Array;
  private readonly large: Heatmap;
  private readonly largeCaption: Phaser.GameObjects.Text;

  constructor(
    private readonly scene: Phaser.Scene,
    private readonly o: PlaneViewsOptions,
  ) {
    this.plan = graphPlan(o.info, o.spec);
    this.grid = gridInputs(o.extent, GRAPH_GRID);
    scene.add.text(900, 88, 'Inside the network', textStyle(TEXT.label, CSS.text, 600));
    this.graph = new NetworkGraph(scene, {
      x: 896,
      y: 122,
      width: 360,
      height: 578,
      columns: this.plan.columns,
      resolution: GRAPH_GRID,
      ...(o.spec.features
        ? {
            note: 'Hand-made inputs like x₁² were the old way, before deep learning: with them even one neuron can draw a curve.',
          }
        : {}),
      onHover: (node) => this.showLarge(node),
      onEdit: o.editing ? (t, v, at) => this.edit(t, v, at) : null,
    });
    // The middle panel's foot: the hovered neuron, large, with the one colour key of every map.
    scene.add.text(488, 562, 'Neuron under the pointer', textStyle(TEXT.small, CSS.textDim));
    this.large = new Heatmap(scene, { x: 488, y: 586, size: 108, resolution: GRAPH_GRID });
    this.largeCaption = scene.add
      .text(610, 586, '', textStyle(TEXT.small, CSS.text))
      .setWordWrapWidth(244)
      .setLineSpacing(3);
    drawScale(scene, 610, 668, 240);
    this.showLarge(null);
    if (o.editing) this.toggles(o.editing, o.togglesY);
  }

  /** Fetches every map and parameter the graph shows, all requests at once (one round trip). */
  async refresh(): Promise<void> {
    const trainer = services().trainer;
    const names = this.plan.tensors.filter((t): t is string => t !== null);
    const [acts, weights, biases] = await Promise.all([
      trainer.probe(this.grid, names),
      Promise.all(this.plan.modules.map((m) => trainer.read(`${m}.weight`))),
      Promise.all(this.plan.modules.map((m) => trainer.read(`${m}.bias`))),
    ]);
    if (!this.scene.scene.isActive()) return;
    const maps = this.plan.tensors.map((t) => (t ? (acts[t] ?? null) : this.grid));
    this.graph.update(maps, weights as Float32Array[], biases as Float32Array[]);
    reportPictures({
      graph: this.graph.layout,
      columns: this.plan.columns.map((c, i) => ({
        title: c.title,
        units: c.units,
        painted: maps[i] ? maps[i].some((v) => v !== 0) : false,
      })),
    });
  }

  private showLarge(node: { map: Float32Array; name: string } | null): void {
    if (!node) {
      this.large.fill(() => COLORS.panelRaised);
      this.largeCaption.setText('Hover a neuron in the graph on the right to see it here, large.');
      return;
    }
    let peak = 1e-6;
    for (const v of node.map) peak = Math.max(peak, Math.abs(v));
    this.large.fill((r, c) => diverging(node.map[r * GRAPH_GRID + c]! / peak));
    const name = node.name[0]!.toUpperCase() + node.name.slice(1);
    this.largeCaption.setText(
      `${name}: its output over the plane of the boundary, up to ±${formatValue(peak)}.`,
    );
  }

  private toggles(editing: Editing, y: number): void {
    const view = this.o.view;
    new Toggle(this.scene, {
      x: 32,
      y,
      label: 'Show test data',
      value: view.showTest,
      tooltip:
        'Also draw the held-out test points (white outline): the network never trains on them',
      onChange: (on) => {
        view.showTest = on;
        editing.onView({ ...view });
        void this.o.redraw();
      },
    });
    new Toggle(this.scene, {
      x: 220,
      y,
      label: 'Discretize output',
      value: view.discretize,
      tooltip: 'Paint the answer in solid colours (its decision) instead of how sure it is',
      onChange: (on) => {
        view.discretize = on;
        editing.onView({ ...view });
        void this.o.redraw();
      },
    });
  }

  /** Lets the player type a new value for a weight or bias, then shows its effect at once. */
  private edit(
    target: Exclude<GraphTarget, { kind: 'node' }>,
    value: number,
    at: { x: number; y: number },
  ): void {
    const editing = this.o.editing!;
    const what = this.graph.describe(target);
    if (!editing.canEdit()) {
      editing.onEdited(`Pause the run first, then change the ${target.kind}.`);
      return;
    }
    const module = this.plan.modules[target.layer]!;
    const inputs = this.plan.columns[target.layer]!.units;
    const name = target.kind === 'weight' ? `${module}.weight` : `${module}.bias`;
    const index = target.kind === 'weight' ? target.to * inputs + target.from : target.unit;
    askNumber(this.scene, {
      x: Math.min(at.x + 10, 1150),
      y: at.y - 14,
      value: Number(value.toPrecision(6)),
      label: `New value for the ${what}`,
      max: MAX_TYPED,
      onDone: (v) => void this.write(name, index, v, what),
    });
  }

  private async write(name: string, index: number, v: number, what: string): Promise<void> {
    const editing = this.o.editing!;
    try {
      await services().trainer.write(name, index, v);
    } catch (error) {
      editing.onEdited(`⚠ ${(error as Error).message}`);
      return;
    }
    await this.o.redraw();
    editing.onEdited(
      `The ${what} is now ${formatValue(v)}, set by hand: Play trains on from here; Reset goes back to the seed's start.`,
    );
  }

  destroy(): void {
    this.graph.destroy();
    this.large.destroy();
  }
}

/** The colour key every map shares: blue for negative, grey for zero, orange for positive. */
function drawScale(scene: Phaser.Scene, x: number, y: number, width: number): void {
  const g = scene.add.graphics();
  const steps = 24;
  for (let i = 0; i < steps; i++) {
    g.fillStyle(diverging((2 * i) / (steps - 1) - 1), 1);
    g.fillRect(x + (i * width) / steps, y, width / steps + 0.5, 10);
  }
  scene.add.text(x, y + 14, '−', textStyle(TEXT.small, CSS.textDim));
  scene.add.text(x + width / 2, y + 14, '0', textStyle(TEXT.small, CSS.textDim)).setOrigin(0.5, 0);
  scene.add.text(x + width, y + 14, '+', textStyle(TEXT.small, CSS.textDim)).setOrigin(1, 0);
}
