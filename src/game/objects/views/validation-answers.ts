/**
 * The network's answers on the validation split, as a picture: a confusion matrix for classes,
 * predicted against true for a number (in the data's own units when the targets were
 * standardised for training). The curve and table views both show one.
 */
import type { LearnerInfo } from '../../../engine/trainer.js';
import { services } from '../../services.js';
import { Confusion, confusionCounts } from '../confusion.js';
import type { Scatter } from '../scatter.js';

/** The validation split's inputs and targets, as the worker holds them. */
export interface ValidationSet {
  x: Float32Array;
  y: Float32Array;
}

/** Reads the validation split from the worker once, for the answers' truth. */
export async function readValidation(): Promise<ValidationSet> {
  const trainer = services().trainer;
  const x = (await trainer.read('validation.x')) as Float32Array;
  const y = (await trainer.read('validation.y')) as Float32Array;
  return { x, y };
}

export class ValidationAnswers {
  constructor(
    private readonly info: LearnerInfo,
    private readonly set: ValidationSet,
    private readonly picture: Confusion | Scatter,
  ) {}

  /** The network's predictions for the split, to hand to `show` (one worker call). */
  predict(): Promise<Float32Array> {
    return services().trainer.predict(this.set.x);
  }

  /** Paints the picture from predictions `val` for the split's rows. */
  show(val: Float32Array): void {
    const { task, outputs, inputs } = this.info.data;
    const rows = this.set.x.length / inputs;
    const yWidth = this.set.y.length / rows;
    const truth = new Float32Array(rows);
    for (let i = 0; i < rows; i++) truth[i] = this.set.y[i * yWidth]!;
    if (this.picture instanceof Confusion) {
      this.picture.update(confusionCounts(truth, val, task === 'multiclass' ? outputs : 2));
      return;
    }
    const width = val.length / rows;
    const pred = new Float32Array(rows);
    for (let i = 0; i < rows; i++) pred[i] = val[i * width]!;
    // In the data's own units when the targets were standardised for training.
    const scale = this.info.data.targetScale;
    if (scale) {
      for (let i = 0; i < rows; i++) {
        truth[i] = truth[i]! * scale.std + scale.mean;
        pred[i] = pred[i]! * scale.std + scale.mean;
      }
    }
    this.picture.update(truth, pred);
  }
}
