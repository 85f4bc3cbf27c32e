/**
 * Title: the first screen. The game's name over a small network that breathes (edge colour and
 * thickness follow changing weights, as they will in training), the timeline of the journey
 * along the bottom — the milestones that can be played, and the chapters still to come marked
 * as coming, so the screen promises only what exists — and three doors: continue (when there is
 * progress) or start the journey, and the sandbox. Save and link notices are shown here once. A
 * new journey asks twice, because it erases progress.
 */
import * as Phaser from 'phaser';
import { COLORS, CSS, HEIGHT, MOTION, TEXT, WIDTH, diverging, reducedMotion } from '../theme.js';
import { CHAPTERS, LEVELS, journeyProgress } from '../../levels/index.js';
import { currentClass, services, takeNotices } from '../services.js';
import { Button } from '../ui/button.js';
import { FocusManager } from '../ui/focus.js';
import { drawIcon } from '../ui/icons.js';
import { MuteButton } from '../ui/mute-button.js';
import { Notice } from '../ui/notice.js';
import { addText } from '../ui/text.js';
import { SCENES } from './keys.js';
import { COMING, EPILOGUE, comingList } from './level-text.js';

/**
 * The timeline strip, in year order: every year a level is set in, and the chapters still to
 * come, marked as coming.
 */
function milestones(): { year: number; coming: boolean }[] {
  const years = new Set(LEVELS.map((l) => l.year));
  return [
    ...[...years].map((year) => ({ year, coming: false })),
    ...COMING.map((c) => ({ year: c.year, coming: true })),
    { year: EPILOGUE.year, coming: false },
  ].sort((a, b) => a.year - b.year);
}

const NUMBER_WORDS = [
  'no',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
  'eleven',
  'twelve',
];

/** A count as a sentence writes it: words up to twelve, figures beyond. */
function count(n: number): string {
  return NUMBER_WORDS[n] ?? String(n);
}

/** The decorative network: layer sizes and where it sits. */
const NET = { layers: [3, 5, 5, 2], x: 700, y: 150, w: 470, h: 360 };

export class Title extends Phaser.Scene {
  private edges!: Phaser.GameObjects.Graphics;
  private weightsA: number[] = [];
  private weightsB: number[] = [];
  private phase = { t: 0 };
  /** Where the signal pulses are along the edges (0 = inputs, 1 = outputs). */
  private flow = { t: 0 };

  constructor() {
    super(SCENES.title);
  }

  create(): void {
    const { saves } = services();
    const stars = saves.starsByLevel();
    const { earned, possible } = journeyProgress(stars);
    const hasProgress = Object.keys(stars).length > 0;

    this.drawNetwork();
    this.drawTimeline();

    addText(this, 96, 130, 'Neural Journey', { size: TEXT.hero + 16, weight: 600 });
    const first = LEVELS[0]!;
    const last = LEVELS.at(-1)!;
    const intro = addText(
      this,
      100,
      214,
      'Build real neural networks and train them, one breakthrough at a time: ' +
        `from the least-squares line of ${first.year} to ${last.teaches.idea} in ${last.year}, ` +
        `${count(LEVELS.length)} levels in ${count(CHAPTERS.length)} chapters, and a sandbox for any data.`,
      { size: TEXT.label, color: CSS.textDim, wrap: 520, lineSpacing: 4 },
    );
    const coming = addText(
      this,
      100,
      intro.y + intro.height + 12,
      COMING.length
        ? `Coming later: ${comingList()}.`
        : `And an epilogue: ${EPILOGUE.what}, trained by you.`,
      {
        size: TEXT.body,
        color: CSS.textDim,
        wrap: 520,
        lineSpacing: 4,
      },
    );

    let y = Math.max(360, coming.y + coming.height + 28);
    const buttons: Button[] = [];
    if (hasProgress) {
      buttons.push(
        new Button(this, {
          x: 100,
          y,
          width: 300,
          height: 52,
          label: 'Continue the journey',
          icon: 'next',
          variant: 'primary',
          tooltip: 'Open the journey map where you left off',
          onClick: () => this.go(SCENES.map),
        }),
      );
      y += 66;
      let armed = false;
      const restart: Button = new Button(this, {
        x: 100,
        y,
        width: 300,
        label: 'New journey',
        icon: 'reset',
        tooltip: 'Erase your stars and kept solutions, then start from 1805',
        onClick: () => {
          if (!armed) {
            // Ask twice: this erases progress.
            armed = true;
            restart.setLabel('Erase all stars? Press again');
            this.time.delayedCall(4000, () => {
              armed = false;
              if (restart.scene) restart.setLabel('New journey');
            });
            return;
          }
          saves.reset();
          this.go(SCENES.map);
        },
      });
      buttons.push(restart);
    } else {
      buttons.push(
        new Button(this, {
          x: 100,
          y,
          width: 300,
          height: 52,
          label: 'Start the journey',
          icon: 'play',
          variant: 'primary',
          tooltip: 'Open the journey map at the first level (1805)',
          onClick: () => this.go(SCENES.map),
        }),
      );
    }
    y += 66;
    buttons.push(
      new Button(this, {
        x: 100,
        y,
        width: 300,
        label: 'Sandbox',
        icon: 'build',
        tooltip: 'Build and train any network on any data set, with no goal',
        onClick: () => this.go(SCENES.sandbox),
        disabled: this.scene.manager.getScene(SCENES.sandbox) === null,
      }),
    );
    const joined = currentClass();
    buttons.push(
      new Button(this, {
        x: 416,
        y,
        width: 260,
        label: joined ? `Class ${shortName(joined.info.name)}` : 'Join a class',
        icon: 'map',
        tooltip: joined
          ? `You are in ${joined.info.name} as ${joined.nickname}: see the class or leave it`
          : "Join your teacher's class with its code, then submit your wins to the class board",
        onClick: () => this.go(SCENES.classJoin),
      }),
    );

    if (hasProgress) {
      const g = this.add.graphics();
      drawIcon(g, 'star', 112, y + 86, 20, COLORS.loss);
      addText(this, 130, y + 74, `${earned} of ${possible} stars earned`, {
        size: TEXT.body,
        color: CSS.textDim,
      });
    }

    new MuteButton(this, {
      x: WIDTH - 64,
      y: 20,
      isMuted: () => saves.settings().muted,
      setMuted: (muted) => saves.updateSettings({ muted }),
    });

    Notice.stack(this, takeNotices(), { y: 16 });

    // Put the main door under the keyboard at once: Enter starts.
    FocusManager.for(this).focus(buttons[0]!, false);
    this.cameras.main.fadeIn(MOTION.normal, 0x14, 0x17, 0x1f);
  }

  private go(key: string, data?: object): void {
    this.scene.start(key, data);
  }

  /** The breathing network: edges blend between two weight sets, back and forth. */
  private drawNetwork(): void {
    const rnd = new Phaser.Math.RandomDataGenerator(['neural-journey-title']);
    const nodes = this.nodePositions();
    let count = 0;
    for (let l = 0; l + 1 < nodes.length; l++) count += nodes[l]!.length * nodes[l + 1]!.length;
    this.weightsA = Array.from({ length: count }, () => rnd.realInRange(-1, 1));
    this.weightsB = Array.from({ length: count }, () => rnd.realInRange(-1, 1));
    this.edges = this.add.graphics();
    const dots = this.add.graphics();
    nodes.forEach((layer, l) => {
      layer.forEach(({ x, y }) => {
        const color = l === 0 ? COLORS.data : l === nodes.length - 1 ? COLORS.loss : COLORS.text;
        dots.fillStyle(COLORS.background, 1);
        dots.fillCircle(x, y, 15);
        dots.lineStyle(3, color, 1);
        dots.strokeCircle(x, y, 13);
        dots.fillStyle(color, 0.25);
        dots.fillCircle(x, y, 10);
      });
    });
    this.redrawEdges();
    if (!reducedMotion()) {
      this.tweens.add({
        targets: this.phase,
        t: 1,
        duration: 2600,
        ease: 'Sine.easeInOut',
        yoyo: true,
        repeat: -1,
        onUpdate: () => this.redrawEdges(),
      });
      // Signals travel from the inputs to the outputs, a layer at a time.
      this.tweens.add({
        targets: this.flow,
        t: 1,
        duration: 2400,
        ease: 'Linear',
        repeat: -1,
      });
    }
  }

  private nodePositions(): { x: number; y: number }[][] {
    const { layers, x, y, w, h } = NET;
    return layers.map((n, l) =>
      Array.from({ length: n }, (_, i) => ({
        x: x + (w * l) / (layers.length - 1),
        y: y + h / 2 + (i - (n - 1) / 2) * 72,
      })),
    );
  }

  private redrawEdges(): void {
    const g = this.edges;
    const nodes = this.nodePositions();
    const t = this.phase.t;
    g.clear();
    let k = 0;
    for (let l = 0; l + 1 < nodes.length; l++) {
      for (const a of nodes[l]!) {
        for (const b of nodes[l + 1]!) {
          const w = Phaser.Math.Linear(this.weightsA[k]!, this.weightsB[k]!, t);
          k++;
          g.lineStyle(1 + Math.abs(w) * 4, diverging(w), 0.35 + Math.abs(w) * 0.5);
          g.lineBetween(a.x, a.y, b.x, b.y);
          // A pulse rides along the strong edges of the layer the signal is crossing now.
          const span = nodes.length - 1;
          const local = this.flow.t * span - l;
          if (Math.abs(w) > 0.45 && local >= 0 && local <= 1) {
            g.fillStyle(diverging(w), 1);
            g.fillCircle(
              Phaser.Math.Linear(a.x, b.x, local),
              Phaser.Math.Linear(a.y, b.y, local),
              2 + Math.abs(w) * 2.5,
            );
          }
        }
      }
    }
  }

  /** The strip along the bottom: playable milestones solid, the coming ones hollow and named. */
  private drawTimeline(): void {
    const g = this.add.graphics();
    const y = HEIGHT - 64;
    const x0 = 100;
    const x1 = WIDTH - 100;
    const stops = milestones();
    g.lineStyle(2, COLORS.line, 1);
    g.lineBetween(x0, y, x1, y);
    stops.forEach(({ year, coming }, i) => {
      const x = x0 + ((x1 - x0) * i) / (stops.length - 1);
      g.fillStyle(coming ? COLORS.background : COLORS.panelRaised, 1);
      g.fillCircle(x, y, 6);
      g.lineStyle(2, coming ? COLORS.locked : COLORS.textDim, 1);
      g.strokeCircle(x, y, 6);
      addText(this, x, y + 14, String(year), {
        size: TEXT.small,
        color: coming ? CSS.locked : CSS.textDim,
      }).setOrigin(0.5, 0);
      if (coming) {
        addText(this, x, y - 14, 'coming', { size: TEXT.small, color: CSS.locked }).setOrigin(
          0.5,
          1,
        );
      }
    });
  }
}

/** A class name short enough for a button. */
function shortName(name: string): string {
  return name.length > 12 ? `${name.slice(0, 11)}…` : name;
}
