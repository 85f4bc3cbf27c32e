/**
 * Briefing: a level's idea before building it. On the left the chapter and year, the title, the
 * idea in plain words (the level file's `briefing`, ≤ 120 words), the goal and what each star
 * asks; on the right ONE small interactive figure chosen by `level.figure` (see ./figures/),
 * with a caption of our own. "Build it" opens the Workbench on this level; Esc or "Map" goes back.
 */
import * as Phaser from 'phaser';
import { COLORS, CSS, HEIGHT, MOTION, RADIUS, TEXT, WIDTH } from '../theme.js';
import { CHAPTERS, levelById } from '../../levels/index.js';
import type { Level } from '../../levels/types.js';
import { takeNotices } from '../services.js';
import { Button } from '../ui/button.js';
import { FocusManager } from '../ui/focus.js';
import { drawIcon } from '../ui/icons.js';
import { Notice } from '../ui/notice.js';
import { addText } from '../ui/text.js';
import { dragLine } from './figures/drag-line.js';
import { filterSlide } from './figures/filter-slide.js';
import { paramCount } from './figures/param-count.js';
import { stridePadding } from './figures/stride-padding.js';
import { poolPatch } from './figures/pool-patch.js';
import { batchNorm } from './figures/batch-norm.js';
import { lstmGates } from './figures/lstm-gates.js';
import { queryKeys } from './figures/query-keys.js';
import { rnnUnroll } from './figures/rnn-unroll.js';
import { hiddenUnits } from './figures/hidden-units.js';
import { optimizerRace } from './figures/optimizer-race.js';
import { overfitCurve } from './figures/overfit-curve.js';
import type { FigureBuilder } from './figures/plot.js';
import { sigmoidSquash } from './figures/sigmoid-squash.js';
import { xorGrid } from './figures/xor-grid.js';
import { goalWhen, goalWords, starLabels } from './level-text.js';
import { SCENES, type BriefingData, type WorkbenchData } from './keys.js';
import { onKeyDown } from '../ui/keys.js';

/** Which figure each `level.figure` name draws. */
const FIGURES: Record<Level['figure'], FigureBuilder> = {
  'drag-line': dragLine,
  'sigmoid-squash': sigmoidSquash,
  'xor-grid': xorGrid,
  'hidden-units': hiddenUnits,
  'optimizer-race': optimizerRace,
  'overfit-curve': overfitCurve,
  'filter-slide': filterSlide,
  'param-count': paramCount,
  'stride-padding': stridePadding,
  'pool-patch': poolPatch,
  'batch-norm': batchNorm,
  'rnn-unroll': rnnUnroll,
  'lstm-gates': lstmGates,
  'query-keys': queryKeys,
};

const LEFT = 56;
const COLUMN = 500;
const PANEL = { x: 600, y: 28, width: WIDTH - 600 - 32, height: HEIGHT - 56 };

export class Briefing extends Phaser.Scene {
  private level!: Level;

  constructor() {
    super(SCENES.briefing);
  }

  init(data: BriefingData): void {
    const level = levelById(data.levelId);
    if (!level) throw new Error(`Briefing: unknown level ${data.levelId}`);
    this.level = level;
  }

  create(): void {
    const level = this.level;
    const chapter = CHAPTERS.find((c) => c.index === level.chapter);

    new Button(this, {
      x: LEFT - 16,
      y: 22,
      label: 'Map',
      icon: 'back',
      variant: 'ghost',
      tooltip: 'Back to the journey map (Esc)',
      onClick: () => this.scene.start(SCENES.map),
    });
    let y = 92;
    addText(
      this,
      LEFT,
      y,
      `CHAPTER ${level.chapter + 1} · ${(chapter?.title ?? '').toUpperCase()} · ${level.year}`,
      { size: TEXT.small, color: CSS.textDim, weight: 600 },
    );
    y += 26;
    const title = addText(this, LEFT, y, level.title, {
      size: TEXT.title + 8,
      weight: 600,
      wrap: COLUMN,
    });
    y += title.height + 8;
    const milestone = addText(this, LEFT, y, level.milestone, {
      size: TEXT.body,
      color: CSS.weights,
      wrap: COLUMN,
    });
    y += milestone.height + 18;
    const idea = addText(this, LEFT, y, level.briefing, {
      size: TEXT.body + 1,
      wrap: COLUMN,
      lineSpacing: 5,
    });
    y += idea.height + 22;
    y = this.drawGoal(level, y);

    const build = new Button(this, {
      x: LEFT,
      y: Math.min(HEIGHT - 76, y + 20),
      width: 220,
      height: 52,
      label: 'Build it',
      icon: 'build',
      variant: 'primary',
      tooltip: 'Open the workbench and build a network for this level',
      onClick: () => this.build(),
      disabled: this.scene.manager.getScene(SCENES.workbench) === null,
    });

    this.drawFigure(level);

    // Over the bottom of the figure: clear of the title, the idea and the Build button.
    Notice.stack(this, takeNotices(), {
      bottom: PANEL.y + PANEL.height - 16,
      x: PANEL.x + 16,
      width: PANEL.width - 32,
    });
    FocusManager.for(this).focus(build, false);
    onKeyDown(this, () => this.scene.start(SCENES.map), 'ESC');
    this.cameras.main.fadeIn(MOTION.normal, 0x14, 0x17, 0x1f);
  }

  /** The goal card: the target and one drawn star per condition, each with its words. */
  private drawGoal(level: Level, top: number): number {
    const g = this.add.graphics();
    addText(this, LEFT + 16, top + 12, 'GOAL', {
      size: TEXT.small,
      color: CSS.textDim,
      weight: 600,
    });
    const goal = addText(
      this,
      LEFT + 16,
      top + 32,
      `Reach ${goalWords(level)} ${goalWhen(level)}.`,
      { size: TEXT.body, weight: 600, wrap: COLUMN - 32 },
    );
    let y = goal.y + goal.height + 10;
    starLabels(level).forEach((label, i) => {
      const x = LEFT + 16;
      for (let k = 0; k <= i; k++) drawIcon(g, 'star', x + 8 + k * 16, y + 10, 14, COLORS.loss);
      addText(this, x + 62, y, label, { size: TEXT.small, color: CSS.text });
      y += 22;
    });
    const h = y + 10 - top;
    const card = this.add.graphics().setDepth(-1);
    card.fillStyle(COLORS.panel, 1);
    card.fillRoundedRect(LEFT, top, COLUMN, h, RADIUS);
    card.lineStyle(1, COLORS.line, 1);
    card.strokeRoundedRect(LEFT + 0.5, top + 0.5, COLUMN - 1, h - 1, RADIUS);
    return top + h;
  }

  private drawFigure(level: Level): void {
    const g = this.add.graphics();
    g.fillStyle(COLORS.panel, 1);
    g.fillRoundedRect(PANEL.x, PANEL.y, PANEL.width, PANEL.height, RADIUS);
    g.lineStyle(1, COLORS.line, 1);
    g.strokeRoundedRect(PANEL.x + 0.5, PANEL.y + 0.5, PANEL.width - 1, PANEL.height - 1, RADIUS);
    const titleText = addText(this, PANEL.x + 24, PANEL.y + 18, '', {
      size: TEXT.label + 2,
      weight: 600,
    });
    addText(this, PANEL.x + PANEL.width - 24, PANEL.y + 22, 'TRY IT', {
      size: TEXT.small,
      color: CSS.data,
      weight: 600,
    }).setOrigin(1, 0);
    const box = { x: PANEL.x + 24, y: PANEL.y + 62, width: PANEL.width - 48, height: 440 };
    const info = FIGURES[level.figure](this, box);
    titleText.setText(info.title);
    addText(this, PANEL.x + 24, box.y + box.height + 16, info.caption, {
      size: TEXT.small + 1,
      color: CSS.textDim,
      wrap: PANEL.width - 48,
      lineSpacing: 4,
    });
  }

  private build(): void {
    const data: WorkbenchData = { levelId: this.level.id };
    this.scene.start(SCENES.workbench, data);
  }
}
