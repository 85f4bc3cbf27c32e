/**
 * The pictures of a task over two inputs, points in the plane: on the left what the network
 * answers at every place of the plane (the decision boundary, or the predicted number) with the
 * data on top, and on the right and in the middle the network graph of `PlaneViews` (every
 * neuron as a small map, the weights as edges, the hovered neuron large). The old way's strip
 * paints its own boundary with the same colour rule.
 */
import { services, reportPictures } from '../../services.js';
import { paintBoundary, samplePoints } from '../boundary.js';
import { Heatmap, extentOf, gridInputs, type Extent } from '../heatmap.js';
import { PlaneViews } from '../plane-views.js';
import { PanelView, classCount } from './panel-view.js';

/** Boundary map resolution (cells per side). */
const GRID = 48;

export class PointsView extends PanelView {
  private boundary: Heatmap | null = null;
  private extent: Extent | null = null;
  private grid: Float32Array | null = null;
  /** The graph, the large neuron and the sandbox's check boxes and editing. */
  private plane: PlaneViews | null = null;
  /** The boundary's points: training rows, and the test rows the check box may add. */
  private points: { x: number[]; classes: number[] | null } | null = null;
  private testPoints: { x: number[]; classes: number[] | null } | null = null;
  /** The run's step the pictures show. */
  private step = 0;

  async build(): Promise<void> {
    const { info, spec } = this.o;
    const trainer = services().trainer;
    const classes = classCount(info);
    const x = (await trainer.read('train.x')) as Float32Array;
    const y = (await trainer.read('train.y')) as Float32Array;

    // Left panel: what the network computes over the plane; on a level the picture is a little
    // smaller, to leave room under it for the old way's strip.
    const size = this.o.level ? 330 : 380;
    const below = 122 + size + 10;
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

    // Right panel and the middle's foot: inside the network.
    this.plane = new PlaneViews(this.scene, {
      info,
      spec,
      extent: this.extent,
      view: this.o.view,
      editing: this.o.editing,
      togglesY: this.leftBottom + 8,
      redraw: () => this.repaint(),
    });
  }

  protected override ghostPaint(): (map: Heatmap, out: Float32Array) => void {
    const { task, outputs } = this.o.info.data;
    return (map, out) => paintBoundary(map, out, task, outputs);
  }

  /** Repaints the boundary and the graph from the worker: all requests at once, one round trip. */
  async refresh(_force: boolean, step: number): Promise<void> {
    this.step = step;
    const trainer = services().trainer;
    const { task, outputs } = this.o.info.data;
    const [grid] = await Promise.all([
      this.boundary && this.grid ? trainer.predict(this.grid) : null,
      this.plane?.refresh(),
    ]);
    if (!this.scene.scene.isActive()) return;
    if (grid && this.boundary) {
      paintBoundary(this.boundary, grid, task, outputs, this.o.view.discretize);
      reportPictures({ boundary: grid.reduce((a, v) => a + v, 0) });
    }
  }

  /** Draws the boundary's points, with the test points when the check box asks for them. */
  private plotPoints(): void {
    if (!this.boundary || !this.extent || !this.points) return;
    const test = this.o.view.showTest ? this.testPoints : null;
    this.boundary.plotPoints(this.points.x, this.points.classes, this.extent, 3.5, test);
  }

  /** After a check box or a hand-typed weight: the points, the boundary and the graph anew. */
  private async repaint(): Promise<void> {
    this.plotPoints();
    await this.refresh(true, this.step);
  }
}
