/**
 * The middle panel's foot for a network without a graph of its own: the dense layers' weights
 * as a small diagram whose edges breathe with training (thickness the size, colour the sign).
 * The points view has the full network graph instead.
 */
import type * as Phaser from 'phaser';
import type { LearnerInfo } from '../../../engine/trainer.js';
import { services } from '../../services.js';
import { CSS, TEXT, textStyle } from '../../theme.js';
import { NetworkView } from '../network-view.js';

export class WeightsPanel {
  private readonly network: NetworkView;
  /** The dense layers' module numbers, whose `.weight` the diagram draws. */
  private readonly modules: number[];

  constructor(scene: Phaser.Scene, info: LearnerInfo) {
    const dense = info.summary.filter((r) => r.kind === 'dense');
    this.modules = dense.map((r) => r.module);
    const widths = [info.data.inputs, ...dense.map((r) => r.outputShape[0] ?? 1)];
    scene.add.text(
      488,
      540,
      'Weights (thickness = size, colour = sign)',
      textStyle(TEXT.small, CSS.textDim),
    );
    this.network = new NetworkView(scene, { x: 500, y: 566, width: 340, height: 118, widths });
  }

  /** The weights to hand to `show`, every dense layer's at once. */
  read(): Promise<Float32Array[]> {
    const trainer = services().trainer;
    return Promise.all(this.modules.map((m) => trainer.read(`${m}.weight`))) as Promise<
      Float32Array[]
    >;
  }

  show(weights: Float32Array[]): void {
    this.network.update(weights);
  }
}
