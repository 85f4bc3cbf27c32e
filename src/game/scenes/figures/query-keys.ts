/**
 * Figure 'query-keys': one step of attention over "the cat sat on the mat because it was
 * tired". One word is the query (at first "it"); lines go from it to every word up to it, as
 * thick and as bright as the attention weight, and the weights stand as bars and numbers under
 * the words. Later words are greyed out: a word may not look ahead (the causal mask). Click a
 * word (or focus one and use the arrows) to ask from there; the sharpness slider scales the
 * scores before the softmax, from even attention (0) to nearly all on one word.
 */
import type * as Phaser from 'phaser';
import { COLORS, CSS, MOTION, TEXT, reducedMotion } from '../../theme.js';
import { FocusManager, type Direction } from '../../ui/focus.js';
import { Slider } from '../../ui/slider.js';
import { addText } from '../../ui/text.js';
import { Widget } from '../../ui/widget.js';
import { SENTENCE, START_QUERY, attention, strongest } from './attention-maths.js';
import type { FigureBox, FigureBuilder } from './plot.js';

/** A word of the sentence: click it (or Enter) to make it the query; arrows move the query. */
class WordBox extends Widget {
  constructor(
    scene: Phaser.Scene,
    x: number,
    y: number,
    width: number,
    height: number,
    private readonly word: string,
    private readonly onPick: () => void,
    private readonly onStep: (step: number) => void,
  ) {
    super(scene, x, y, width, height, `Make “${word}” the query (←/→ move the query)`);
    this.hit.on('pointerup', () => this.onPick());
  }

  focusLabel(): string {
    return `Query “${this.word}”`;
  }

  override activate(): void {
    this.onPick();
  }

  override adjust(direction: Direction): boolean {
    if (direction !== 'left' && direction !== 'right') return false;
    this.onStep(direction === 'left' ? -1 : 1);
    return true;
  }

  protected redraw(): void {}
}

export const queryKeys: FigureBuilder = (scene: Phaser.Scene, box: FigureBox) => {
  const n = SENTENCE.length;
  const rowY = box.y + 196;
  const rowH = 36;
  const barBase = rowY + rowH + 84;
  const barMax = 50;

  // Drawn first, so the words sit on top: the lines under the boxes, the boxes under the words.
  const lines = scene.add.graphics();
  const frame = scene.add.graphics();
  // Box widths follow the words; the spare width goes into the gaps.
  const wordTexts = SENTENCE.map((w) =>
    addText(scene, 0, rowY + rowH / 2, w, { size: TEXT.small + 1, weight: 600 }).setOrigin(0.5),
  );
  const widths = wordTexts.map((t) => Math.max(42, t.width + 14));
  const gap = (box.width - widths.reduce((a, b) => a + b, 0)) / (n - 1);
  const lefts: number[] = [];
  widths.forEach((_, i) => lefts.push(i === 0 ? box.x : lefts[i - 1]! + widths[i - 1]! + gap));
  const mid = (i: number): number => lefts[i]! + widths[i]! / 2;
  wordTexts.forEach((t, i) => t.setX(mid(i)));

  const weightTexts = SENTENCE.map((_, i) =>
    addText(scene, mid(i), barBase + 6, '', { size: TEXT.small }).setOrigin(0.5, 0),
  );
  const roleText = addText(scene, 0, rowY + rowH + 6, 'query', {
    size: TEXT.small,
    color: CSS.data,
    weight: 600,
  }).setOrigin(0.5, 0);
  // Above the later words, where no line goes (lines only reach back).
  const maskText = addText(scene, 0, rowY - 8, 'not seen\nyet', {
    size: TEXT.small,
    color: CSS.textDim,
    align: 'center',
  }).setOrigin(0.5, 1);
  addText(scene, box.x + box.width, box.y + 2, 'score = sharpness × q·k / √3', {
    size: TEXT.small,
    color: CSS.textDim,
  }).setOrigin(1, 0);
  addText(scene, box.x + box.width, box.y + 24, 'weights = softmax(scores)', {
    size: TEXT.small,
    color: CSS.textDim,
  }).setOrigin(1, 0);
  const readout = addText(scene, box.x, barBase + 38, '', {
    size: TEXT.small,
    wrap: box.width,
    lineSpacing: 3,
  });

  let query = START_QUERY;
  let sharpness = 1;
  /** How far the lines have grown out of the query (0 … 1), for the short animation. */
  const grow = { t: 1 };
  let tween: Phaser.Tweens.Tween | null = null;

  const draw = (): void => {
    const weights = attention(query, sharpness);
    frame.clear();
    lines.clear();
    // The boxes: the query filled, the keys framed, the later words faded out.
    SENTENCE.forEach((_, i) => {
      const x = lefts[i]!;
      const w = widths[i]!;
      const later = i > query;
      frame.fillStyle(i === query ? COLORS.data : COLORS.panelRaised, later ? 0.4 : 1);
      frame.fillRoundedRect(x, rowY, w, rowH, 6);
      frame.lineStyle(1.5, later ? COLORS.line : COLORS.data, 1);
      frame.strokeRoundedRect(x, rowY, w, rowH, 6);
      wordTexts[i]!.setColor(i === query ? CSS.background : later ? CSS.locked : CSS.text);
    });
    frame.lineStyle(1, COLORS.line, 1).lineBetween(box.x, barBase, box.x + box.width, barBase);
    // A line from the query to each key, arching over the row.
    const qx = mid(query);
    weights.forEach((full, i) => {
      if (i > query) {
        weightTexts[i]!.setText('');
        return;
      }
      const w = full * grow.t;
      const x = mid(i);
      const span = Math.abs(qx - x);
      const lift = i === query ? 0 : 26 + span * 0.2;
      lines.lineStyle(1 + (i === query ? 5 : 9) * w, COLORS.data, 0.15 + 0.85 * w);
      if (i === query) {
        lines.strokeCircle(qx, rowY - 10, 14);
      } else {
        lines.beginPath();
        for (let s = 0; s <= 24; s++) {
          const t = s / 24;
          const px = qx + (x - qx) * t;
          const py = rowY - 2 - lift * 4 * t * (1 - t);
          if (s === 0) lines.moveTo(px, py);
          else lines.lineTo(px, py);
        }
        lines.strokePath();
      }
      const h = Math.max(1, w * barMax);
      lines.fillStyle(COLORS.data, 0.35 + 0.65 * full);
      lines.fillRect(x - 9, barBase - h, 18, h);
      weightTexts[i]!.setText(full.toFixed(2)).setColor(full >= 0.1 ? CSS.text : CSS.textDim);
    });
    roleText.setX(qx);
    const later = query < n - 1;
    maskText.setVisible(later);
    if (later) {
      const x = (lefts[query + 1]! + box.x + box.width) / 2;
      maskText.setX(Math.min(x, box.x + box.width - maskText.width / 2));
    }

    const best = strongest(weights);
    const total = weights.reduce((a, b) => a + b, 0);
    const q = SENTENCE[query];
    const seen = query + 1;
    readout.setText(
      query === 0
        ? '“the” is the first word: there is nothing before it, so it can only look at itself ' +
            '(weight 1).'
        : sharpness === 0
          ? `Sharpness 0 makes every score the same: “${q}” spreads its attention evenly, ` +
            `1/${seen} ≈ ${(1 / seen).toFixed(2)} on each of the ${seen} words it can see.`
          : `“${q}” gives ${weights[best]!.toFixed(2)} of its attention to “${SENTENCE[best]}”. ` +
            `The ${seen} weights add to ${total.toFixed(2)}; ` +
            (later
              ? n - seen === 1
                ? 'the last word gets nothing: it has not been read yet.'
                : `the ${n - seen} later words get nothing: they have not been read yet.`
              : 'every word is in view.'),
    );
  };

  const pick = (i: number): void => {
    if (i < 0 || i >= n || i === query) return;
    query = i;
    tween?.stop();
    tween = null;
    if (reducedMotion()) {
      grow.t = 1;
      draw();
      return;
    }
    grow.t = 0;
    tween = scene.tweens.add({
      targets: grow,
      t: 1,
      duration: MOTION.slow,
      ease: MOTION.ease,
      onUpdate: draw,
      onComplete: draw,
    });
    draw();
  };

  const boxes: WordBox[] = SENTENCE.map(
    (w, i) =>
      new WordBox(
        scene,
        lefts[i]!,
        rowY,
        widths[i]!,
        rowH,
        w,
        () => pick(i),
        (step) => {
          const next = Math.min(n - 1, Math.max(0, query + step));
          pick(next);
          FocusManager.for(scene).focus(boxes[next]!);
        },
      ),
  );

  new Slider(scene, {
    x: box.x,
    y: box.y,
    width: 300,
    label: 'Sharpness (scales the scores)',
    min: 0,
    max: 3,
    step: 0.1,
    value: sharpness,
    format: (v) => `× ${v.toFixed(1)}`,
    tooltip: 'Multiplies every score before the softmax: 0 is even, high is sharp (←/→ change it)',
    onChange: (v) => {
      sharpness = v;
      draw();
    },
  });
  draw();
  return {
    title: 'A query asks, the keys answer',
    caption:
      'Each word asks a question (its query); every word up to it answers with a key, and q·k ' +
      'says how well they match. A softmax turns those scores into weights that add to 1, and ' +
      'the word takes that mix of the words’ values. Click a word, or use the arrows, to ask ' +
      'from another one.',
  };
};
