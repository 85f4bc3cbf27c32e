/**
 * Result: what one attempt achieved, after the Training scene recorded it with the SaveStore.
 * The target next to the achieved number (with the metric's name); the three stars flying in one
 * after another, each under the words of its condition and what this run did; on a win a short
 * particle burst and a chime (WebAudio, silent when muted). Below, advice from the level rules
 * (`advise`): how the run went and what to try, naming only controls the player can change on
 * this workbench (the level's locks and the teacher link's flags). On the right the level's kept
 * solutions (the best and the latest), each loadable into the Workbench. Buttons: retry (the same
 * draft), next level (disabled, with its reason, until it opens), map; after a win on the last
 * level the journey so far is complete, and the main button opens the map to show it.
 */
import * as Phaser from 'phaser';
import { COLORS, CSS, HEIGHT, MOTION, RADIUS, TEXT, WIDTH, reducedMotion } from '../theme.js';
import { advise, type Advice } from '../../levels/advice.js';
import { openControls } from '../../levels/controls.js';
import { attemptOutcome } from '../../levels/run-mode.js';
import { LEVELS, isUnlocked, journeyProgress, levelById, rulesOf } from '../../levels/index.js';
import type { Attempt, Level, RunOutcome } from '../../levels/types.js';
import { services, teacherFlags } from '../services.js';
import { Button } from '../ui/button.js';
import { FocusManager } from '../ui/focus.js';
import { drawIcon } from '../ui/icons.js';
import { playSuccess, playTick, playTryAgain } from '../ui/sound.js';
import { addText } from '../ui/text.js';
import { comingNextWords, formatMetric, metricName, starLabels } from './level-text.js';
import {
  SCENES,
  type BriefingData,
  type Draft,
  type ResultData,
  type WorkbenchData,
} from './keys.js';
import { onKeyDown } from '../ui/keys.js';
import { buildClassSubmit } from '../objects/class-submit.js';

const SPARK = 'result-spark';
const LEFT = 56;
const RIGHT_PANEL = { x: 820, y: 96, width: WIDTH - 820 - 40, height: HEIGHT - 96 - 40 };

function draftOf(attempt: Attempt): Draft {
  const { spec, options, seed, data } = attempt;
  return { spec, options, seed, ...(data ? { data } : {}) };
}

export class Result extends Phaser.Scene {
  private attempt!: Attempt;
  private level!: Level;
  /** How the run went, when the Training scene passed it; advice then reads its curves. */
  private outcome: RunOutcome | undefined;

  constructor() {
    super(SCENES.result);
  }

  init(data: ResultData): void {
    const level = levelById(data.attempt.levelId);
    if (!level) throw new Error(`Result: unknown level ${data.attempt.levelId}`);
    this.attempt = data.attempt;
    this.level = level;
    this.outcome = data.outcome;
  }

  create(): void {
    const { attempt, level } = this;
    const { saves } = services();
    const muted = saves.settings().muted;

    addText(this, LEFT, 40, `${level.chapter + 1}.${level.order} · ${level.title}`, {
      size: TEXT.body,
      color: CSS.textDim,
      weight: 600,
    });
    addText(this, LEFT, 66, attempt.passed ? 'Level won' : 'Not yet', {
      size: TEXT.hero,
      weight: 600,
      color: attempt.passed ? CSS.text : CSS.text,
    });

    this.drawNumbers(96 + 56);
    const starsY = 330;
    this.drawStars(starsY, muted);
    const adviceY = starsY + 150;
    const advice = addText(this, LEFT, adviceY, this.advice().text, {
      size: TEXT.body,
      color: CSS.textDim,
      wrap: 700,
      lineSpacing: 4,
    });
    if (this.finishesJourney()) this.drawJourneyEnd(advice.y + advice.height + 14);

    const buttons = this.drawButtons();
    this.drawSolutions();
    const submit = buildClassSubmit(this, { x: 820, y: HEIGHT - 96, attempt, level });
    if (submit) buttons.push(submit);

    if (attempt.passed) {
      this.burst(LEFT + 350, starsY + 40);
      playSuccess(attempt.stars, muted);
    } else {
      playTryAgain(muted);
    }
    FocusManager.for(this).focus(buttons[0]!, false);
    onKeyDown(this, () => this.scene.start(SCENES.map), 'ESC');
    this.cameras.main.fadeIn(MOTION.normal, 0x14, 0x17, 0x1f);
  }

  /** Target next to achieved, each with the metric's name. */
  private drawNumbers(top: number): void {
    const { attempt, level } = this;
    const name = metricName(level);
    const g = this.add.graphics();
    const cards: [string, string, string][] = [
      [
        'TARGET',
        `${level.goal.metric === 'accuracy' ? '≥' : '≤'} ${formatMetric(level, level.goal.threshold)}`,
        `${name}, ${level.goal.split} data`,
      ],
      [
        'YOU REACHED',
        formatMetric(level, attempt.achieved),
        `${name} after ${attempt.steps} steps`,
      ],
      ['YOUR NETWORK', String(attempt.params), 'parameters'],
    ];
    cards.forEach(([head, value, foot], i) => {
      const x = LEFT + i * 240;
      g.fillStyle(COLORS.panel, 1);
      g.fillRoundedRect(x, top, 224, 132, RADIUS);
      g.lineStyle(
        i === 1 ? 2 : 1,
        i === 1 ? (attempt.passed ? COLORS.success : COLORS.warning) : COLORS.line,
        1,
      );
      g.strokeRoundedRect(x + 0.5, top + 0.5, 223, 131, RADIUS);
      addText(this, x + 16, top + 14, head, { size: TEXT.small, color: CSS.textDim, weight: 600 });
      addText(this, x + 16, top + 38, value, { size: TEXT.title + 8, weight: 600 });
      addText(this, x + 16, top + 94, foot, { size: TEXT.small, color: CSS.textDim, wrap: 196 });
    });
    // Say it in words too: the colour of the middle card is never the only signal.
    drawIcon(
      g,
      attempt.passed ? 'check' : 'warning',
      LEFT + 240 + 200,
      top + 22,
      18,
      attempt.passed ? COLORS.success : COLORS.warning,
    );
  }

  /** One star per condition, flying in one after another, each with its words. */
  private drawStars(top: number, muted: boolean): void {
    const { attempt, level } = this;
    const labels = starLabels(level);
    // Facts only: what to change is the advice's job, which knows what can change here.
    const first = attempt.passed ? '' : ', but the target comes first';
    const details = [
      `you reached ${formatMetric(level, attempt.achieved)}`,
      attempt.params <= level.stars.params
        ? `you used ${attempt.params}${first}`
        : `you used ${attempt.params}`,
      attempt.steps > level.stars.steps || attempt.stars >= 3
        ? `you took ${attempt.steps}`
        : `you took ${attempt.steps}, but the first two stars come first`,
    ];
    const motion = !reducedMotion();
    for (let i = 0; i < 3; i++) {
      const earned = i < attempt.stars;
      const cx = LEFT + 32 + i * 240;
      const star = this.add.graphics({ x: cx, y: top + 36 });
      drawIcon(star, 'star-empty', 0, 0, 64, COLORS.locked);
      if (earned) {
        const fill = this.add.graphics({ x: cx, y: top + 36 });
        drawIcon(fill, 'star', 0, 0, 64, COLORS.loss);
        if (motion) {
          fill.setScale(0).setAlpha(0);
          this.tweens.add({
            targets: fill,
            scale: 1,
            alpha: 1,
            delay: 250 + i * 260,
            duration: MOTION.slow,
            ease: 'Back.easeOut',
            onStart: () => playTick(muted, 660 + i * 220),
          });
        }
      }
      const label = addText(this, cx + 42, top + 8, labels[i]!, {
        size: TEXT.body,
        weight: 600,
        color: earned ? CSS.text : CSS.textDim,
        wrap: 150,
      });
      addText(
        this,
        cx + 42,
        label.y + label.height + 4,
        `${earned ? 'Earned' : 'Not earned'}: ${details[i]}`,
        {
          size: TEXT.small,
          color: CSS.textDim,
          wrap: 150,
        },
      );
    }
  }

  /**
   * Informative, not punishing: how the run went and what to try, from the level rules, with
   * only the controls this workbench lets the player change. Without the run's curves (a result
   * shown without its run) the advice reads the attempt alone.
   */
  private advice(): Advice {
    const { attempt, level } = this;
    const open = openControls(rulesOf(level), teacherFlags(level.id));
    return advise(level, this.outcome ?? attemptOutcome(level, attempt), open, attempt);
  }

  /** Won the last level: the end of the journey so far. */
  private finishesJourney(): boolean {
    return this.attempt.passed && LEVELS.at(-1)?.id === this.level.id;
  }

  /**
   * The end of the journey so far, under the advice: every level won (with the stars earned)
   * or how many still wait, and the chapter that comes next.
   */
  private drawJourneyEnd(top: number): void {
    const { earned, possible, waiting } = journeyProgress(services().saves.starsByLevel());
    const next = comingNextWords();
    const g = this.add.graphics();
    drawIcon(
      g,
      waiting ? 'map' : 'star',
      LEFT + 10,
      top + 11,
      20,
      waiting ? COLORS.text : COLORS.loss,
    );
    const done = waiting
      ? `That was the last level of the journey so far; ${waiting} earlier level${waiting === 1 ? '' : 's'} still wait${waiting === 1 ? 's' : ''} for a first star.`
      : `The journey so far is complete: every level won, ${earned} of ${possible} stars.`;
    addText(this, LEFT + 30, top, next ? `${done} ${next}.` : done, {
      size: TEXT.body,
      weight: 600,
      wrap: 680,
      lineSpacing: 4,
    });
  }

  private drawButtons(): Button[] {
    const { attempt, level } = this;
    const { saves } = services();
    const y = HEIGHT - 96;
    const index = LEVELS.findIndex((l) => l.id === level.id);
    const next = LEVELS[index + 1];
    const nextOpen = next !== undefined && isUnlocked(next.id, saves.starsByLevel());
    const toMap = (): void => {
      this.scene.start(SCENES.map);
    };
    const retry = (variant: 'primary' | 'secondary', x: number): Button =>
      new Button(this, {
        x,
        y,
        width: 200,
        height: 52,
        label: 'Retry',
        icon: 'reset',
        variant,
        tooltip: 'Back to the workbench with this same network and settings',
        onClick: () => {
          const data: WorkbenchData = {
            levelId: level.id,
            draft: draftOf(attempt),
            source: 'save',
          };
          this.scene.start(SCENES.workbench, data);
        },
      });
    const map = (x: number): Button =>
      new Button(this, {
        x,
        y,
        height: 52,
        label: 'Map',
        icon: 'map',
        tooltip: 'Back to the journey map (Esc)',
        onClick: toMap,
      });
    if (!next) {
      // The last level: no next level to offer. A win ends the journey so far, and the main
      // button shows it on the map; a miss keeps retry first.
      if (!attempt.passed) return [retry('primary', LEFT), map(LEFT + 216)];
      const journey = new Button(this, {
        x: LEFT,
        y,
        width: 260,
        height: 52,
        label: 'See the journey',
        icon: 'map',
        variant: 'primary',
        tooltip: 'Open the map: every chapter so far, your stars, and what is coming (Esc)',
        onClick: toMap,
      });
      return [journey, retry('secondary', LEFT + 276)];
    }
    const lead = attempt.passed && nextOpen;
    const retryButton = retry(lead ? 'secondary' : 'primary', LEFT);
    const nextButton = new Button(this, {
      x: LEFT + 216,
      y,
      width: 220,
      height: 52,
      label: 'Next level',
      // A lock, not only grey: the button waits for a star, it is not broken.
      icon: nextOpen ? 'next' : 'lock',
      variant: lead ? 'primary' : 'secondary',
      disabled: !nextOpen,
      tooltip: nextOpen
        ? `Open the briefing of "${next.title}" (${next.year})`
        : 'Earn a star on this level to open the next one',
      onClick: () => {
        const data: BriefingData = { levelId: next.id };
        this.scene.start(SCENES.briefing, data);
      },
    });
    const mapButton = map(LEFT + 452);
    return lead ? [nextButton, retryButton, mapButton] : [retryButton, nextButton, mapButton];
  }

  /** The kept solutions: the best passing one and the latest attempts, each loadable. */
  private drawSolutions(): void {
    const { level } = this;
    const { saves } = services();
    const progress = saves.progress(level.id);
    const p = RIGHT_PANEL;
    const g = this.add.graphics();
    g.fillStyle(COLORS.panel, 1);
    g.fillRoundedRect(p.x, p.y, p.width, p.height, RADIUS);
    g.lineStyle(1, COLORS.line, 1);
    g.strokeRoundedRect(p.x + 0.5, p.y + 0.5, p.width - 1, p.height - 1, RADIUS);
    addText(this, p.x + 20, p.y + 16, 'Your solutions', { size: TEXT.label, weight: 600 });
    addText(this, p.x + 20, p.y + 44, 'Kept in this browser. Open one to build on it.', {
      size: TEXT.small,
      color: CSS.textDim,
    });
    const rows: [string, Attempt][] = [];
    if (progress.best) rows.push(['Best', progress.best]);
    progress.recent.forEach((a, i) => rows.push([i === 0 ? 'Latest' : `Earlier ${i}`, a]));
    let y = p.y + 80;
    if (rows.length === 0) {
      addText(this, p.x + 20, y, 'No solutions kept yet.', {
        size: TEXT.small,
        color: CSS.textDim,
      });
      return;
    }
    for (const [name, a] of rows.slice(0, 6)) {
      const row = this.add.graphics();
      for (let k = 0; k < 3; k++) {
        drawIcon(
          row,
          k < a.stars ? 'star' : 'star-empty',
          p.x + 30 + k * 17,
          y + 22,
          14,
          k < a.stars ? COLORS.loss : COLORS.textDim,
        );
      }
      addText(this, p.x + 88, y + 4, name, { size: TEXT.small, weight: 600 });
      addText(
        this,
        p.x + 88,
        y + 24,
        `${formatMetric(level, a.achieved)} · ${a.params} params · ${a.steps} steps`,
        { size: TEXT.small, color: CSS.textDim },
      );
      new Button(this, {
        x: p.x + p.width - 20 - 76,
        y: y + 4,
        width: 76,
        height: 38,
        label: 'Open',
        fontSize: TEXT.small,
        tooltip: `Open this ${name.toLowerCase()} network in the workbench`,
        onClick: () => {
          const data: WorkbenchData = { levelId: level.id, draft: draftOf(a), source: 'save' };
          this.scene.start(SCENES.workbench, data);
        },
      });
      y += 56;
    }
  }

  /** A short celebratory burst; none when the player prefers reduced motion. */
  private burst(x: number, y: number): void {
    if (reducedMotion()) return;
    if (!this.textures.exists(SPARK)) {
      const g = this.make.graphics({}, false);
      g.fillStyle(0xffffff, 1);
      g.fillCircle(4, 4, 4);
      g.generateTexture(SPARK, 8, 8);
      g.destroy();
    }
    const emitter = this.add.particles(x, y, SPARK, {
      speed: { min: 120, max: 380 },
      lifespan: { min: 500, max: 900 },
      scale: { start: 1.5, end: 0 },
      alpha: { start: 1, end: 0 },
      gravityY: 320,
      tint: [COLORS.loss, COLORS.data, COLORS.weights, COLORS.gradients],
      emitting: false,
    });
    emitter.setDepth(50);
    this.time.delayedCall(250 + this.attempt.stars * 260, () => emitter.explode(48));
    this.time.delayedCall(2500, () => emitter.destroy());
  }
}
