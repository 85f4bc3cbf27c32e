/**
 * The pictures of a table of many columns (the bundled data sets such as iris or diabetes, a
 * player's CSV): too many inputs to draw the network's answer over them, so the left panel
 * shows its answers on the validation split — a confusion matrix for classes, predicted
 * against true for a number — the right panel the network layer by layer with its parameter
 * formulas, and the middle its weights.
 */
import type { LearnerInfo } from '../../../engine/trainer.js';
import { CSS, TEXT, textStyle } from '../../theme.js';
import { Confusion } from '../confusion.js';
import { Scatter } from '../scatter.js';
import { PanelView, classCount } from './panel-view.js';
import { ValidationAnswers, readValidation } from './validation-answers.js';
import { WeightsPanel } from './weights-panel.js';

export class TableView extends PanelView {
  private answers: ValidationAnswers | null = null;
  private weights: WeightsPanel | null = null;

  async build(): Promise<void> {
    const info = this.o.info;
    const classes = classCount(info);
    const validation = await readValidation();

    // Left panel: the answers; on a level a little smaller, to leave room for the old way.
    const size = this.o.level ? 330 : 380;
    if (classes) {
      this.title(32, 'Confusion matrix (validation)');
      const side = size - 20;
      const confusion = new Confusion(this.scene, { x: 56, y: 130, size: side, classes });
      this.answers = new ValidationAnswers(info, validation, confusion);
      const bottom = this.caption(
        32,
        130 + side + 10,
        'Rows: the true class; columns: the network’s answer. The outlined diagonal is correct.',
      );
      this.legend(classes, bottom + 8, false);
    } else {
      this.title(32, 'Predicted vs true (validation)');
      const scatter = new Scatter(this.scene, { x: 66, y: 130, size: size - 30 });
      this.answers = new ValidationAnswers(info, validation, scatter);
      this.leftBottom = 130 + size - 30 + 26;
    }

    // Right panel: the network layer by layer; middle panel, bottom: its weights, breathing.
    this.summaryPanel(info);
    this.weights = new WeightsPanel(this.scene, info);
  }

  /** Redraws the answers and the weights from the worker, both asked at once: one round trip. */
  async refresh(_force: boolean, _step: number): Promise<void> {
    const [val, weights] = await Promise.all([
      this.answers ? this.answers.predict() : null,
      this.weights ? this.weights.read() : null,
    ]);
    if (!this.scene.scene.isActive()) return;
    if (val) this.answers?.show(val);
    if (weights) this.weights?.show(weights);
  }

  /** The layer table: shapes and parameter formulas, and the data's rows. */
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
}
