/**
 * JourneyMap: the chapters as stops along a timeline path, with the real milestone years, and
 * the levels as nodes on it. A node shows its state in shape and words, not colour alone:
 * locked (a lock), open (a bright ring, the next one to play gently pulses), done (its stars,
 * drawn filled or hollow). Hovering or focusing a node fills the panel at the bottom with its
 * year, title, the sentence of what changed then, the chapter's idea and its status.
 *
 * Keyboard: arrows move between nodes, Enter/Space opens the Briefing, Tab reaches the other
 * controls; M mutes. Which levels are open comes from the level rules (`isUnlocked`), never
 * from here.
 */
import * as Phaser from 'phaser';
import { COLORS, CSS, HEIGHT, MOTION, RADIUS, TEXT, WIDTH, reducedMotion } from '../theme.js';
import { CHAPTERS, LEVELS, isUnlocked } from '../../levels/index.js';
import type { Level } from '../../levels/types.js';
import { services } from '../services.js';
import { Button } from '../ui/button.js';
import { FocusManager, isShown, worldRect, type Focusable } from '../ui/focus.js';
import { drawIcon } from '../ui/icons.js';
import { MuteButton } from '../ui/mute-button.js';
import { attachTooltip } from '../ui/tooltip.js';
import { addText } from '../ui/text.js';
import { sigmoidApprox } from './figures/sigmoid-squash.js';
import { SCENES, type BriefingData } from './keys.js';

const NODE_R = 26;
/** The band of the screen the regions and the path use. */
const REGION_TOP = 96;
const REGION_BOTTOM = 520;
const LEFT = 40;
const RIGHT = WIDTH - 40;
const GAP = 12;

/** What the map shows about one level. */
interface NodeState {
  level: Level;
  unlocked: boolean;
  stars: number;
  x: number;
  y: number;
}

/** A level node: a focusable circle with its year above and its stars below. */
class LevelNode extends Phaser.GameObjects.Container implements Focusable {
  private readonly ring: Phaser.GameObjects.Graphics;
  private focused = false;
  readonly focusRound = true;
  private hovered = false;

  constructor(
    scene: Phaser.Scene,
    readonly spot: NodeState,
    private readonly isNext: boolean,
    private readonly onSelect: (node: LevelNode) => void,
    private readonly onOpen: (node: LevelNode) => void,
  ) {
    super(scene, spot.x, spot.y);
    const { level, unlocked, stars } = spot;
    this.ring = scene.add.graphics();
    const body = scene.add.graphics();
    body.fillStyle(unlocked ? COLORS.panelRaised : COLORS.panel, 1);
    body.fillCircle(0, 0, NODE_R);
    body.lineStyle(3, unlocked ? (stars > 0 ? COLORS.loss : COLORS.text) : COLORS.locked, 1);
    body.strokeCircle(0, 0, NODE_R);
    if (!unlocked) drawIcon(body, 'lock', 0, 0, 22, COLORS.locked);
    const parts: Phaser.GameObjects.GameObject[] = [this.ring, body];
    if (unlocked) {
      parts.push(
        addText(scene, 0, 0, `${level.chapter + 1}.${level.order}`, {
          size: TEXT.label,
          weight: 600,
        }).setOrigin(0.5),
      );
    }
    parts.push(
      addText(scene, 0, -NODE_R - 8, String(level.year), {
        size: TEXT.small,
        color: unlocked ? CSS.text : CSS.textDim,
        weight: 600,
      }).setOrigin(0.5, 1),
    );
    // Stars are drawn (filled or hollow) so they read without colour.
    const stars3 = scene.add.graphics();
    for (let i = 0; i < 3; i++) {
      const sx = (i - 1) * 20;
      const filled = i < stars;
      drawIcon(
        stars3,
        filled ? 'star' : 'star-empty',
        sx,
        NODE_R + 16,
        17,
        filled ? COLORS.loss : unlocked ? COLORS.textDim : COLORS.locked,
      );
    }
    parts.push(stars3);
    this.add(parts);
    scene.add.existing(this);

    const hit = scene.add.zone(0, 0, NODE_R * 2 + 16, NODE_R * 2 + 16);
    hit.setInteractive({ useHandCursor: unlocked });
    this.add(hit);
    hit.on('pointerover', () => {
      this.hovered = true;
      this.redraw();
      onSelect(this);
    });
    hit.on('pointerout', () => {
      this.hovered = false;
      this.redraw();
    });
    hit.on('pointerup', () => {
      FocusManager.for(scene).focus(this, false);
      onOpen(this);
    });
    attachTooltip(
      hit,
      () => this.tooltipText(),
      () => this.focusBounds(),
    );

    if (isNext && !reducedMotion()) {
      // The next level to play breathes: the one decorative motion on the map.
      scene.tweens.add({
        targets: this.ring,
        alpha: { from: 1, to: 0.25 },
        duration: 900,
        ease: 'Sine.easeInOut',
        yoyo: true,
        repeat: -1,
      });
    }
    this.redraw();
    FocusManager.for(scene).add(this);
  }

  focusLabel(): string {
    return this.spot.level.id;
  }

  focusBounds(): Phaser.Geom.Rectangle {
    const r = worldRect(this, 0, 0);
    return new Phaser.Geom.Rectangle(r.x - NODE_R, r.y - NODE_R, NODE_R * 2, NODE_R * 2);
  }

  canFocus(): boolean {
    return isShown(this);
  }

  setFocused(focused: boolean): void {
    this.focused = focused;
    this.redraw();
    if (focused) this.onSelect(this);
  }

  activate(): void {
    this.onOpen(this);
  }

  tooltipText(): string {
    const { level, unlocked } = this.spot;
    return unlocked
      ? `Open the briefing of "${level.title}" (${level.year})`
      : `"${level.title}" is locked: earn a star on the level before it`;
  }

  private redraw(): void {
    const g = this.ring;
    g.clear();
    const lit = this.focused || this.hovered;
    if (this.isNext || lit) {
      g.lineStyle(lit ? 4 : 3, this.spot.unlocked ? COLORS.data : COLORS.locked, 1);
      g.strokeCircle(0, 0, NODE_R + 7);
    }
    if (!reducedMotion()) {
      this.scene.tweens.add({
        targets: this,
        scale: lit ? 1.08 : 1,
        duration: MOTION.fast,
        ease: MOTION.ease,
      });
    }
  }
}

export class JourneyMap extends Phaser.Scene {
  private nodes: LevelNode[] = [];
  private info!: {
    year: Phaser.GameObjects.Text;
    title: Phaser.GameObjects.Text;
    milestone: Phaser.GameObjects.Text;
    chapter: Phaser.GameObjects.Text;
    status: Phaser.GameObjects.Text;
    statusIcon: Phaser.GameObjects.Graphics;
    open: Button;
  };
  private selected: LevelNode | null = null;

  constructor() {
    super(SCENES.map);
  }

  create(): void {
    const { saves } = services();
    const starsByLevel = saves.starsByLevel();
    this.nodes = [];
    this.selected = null;

    // Header: back, heading, total stars, mute.
    new Button(this, {
      x: 24,
      y: 22,
      label: 'Title',
      icon: 'back',
      variant: 'ghost',
      tooltip: 'Back to the title screen',
      onClick: () => this.scene.start(SCENES.title),
    });
    addText(this, WIDTH / 2, 28, 'The journey', { size: TEXT.title, weight: 600 }).setOrigin(
      0.5,
      0,
    );
    const earned = LEVELS.reduce((sum, l) => sum + (starsByLevel[l.id] ?? 0), 0);
    const starIcon = this.add.graphics();
    drawIcon(starIcon, 'star', WIDTH - 200, 44, 20, COLORS.loss);
    addText(this, WIDTH - 184, 33, `${earned} / ${LEVELS.length * 3}`, {
      size: TEXT.label,
      weight: 600,
    });
    new MuteButton(this, {
      x: WIDTH - 68,
      y: 22,
      isMuted: () => saves.settings().muted,
      setMuted: (muted) => saves.updateSettings({ muted }),
    });

    const states = this.layout(starsByLevel);
    this.drawRegions(states);
    this.drawPath(states);
    const nextIndex = this.nextToPlay(states);
    states.forEach((state, i) => {
      this.nodes.push(
        new LevelNode(
          this,
          state,
          i === nextIndex,
          (node) => this.select(node),
          (node) => this.openLevel(node),
        ),
      );
    });
    this.drawInfoPanel();

    const focus = FocusManager.for(this);
    focus.onArrow = (direction, current) => {
      const i = this.nodes.indexOf(current as LevelNode);
      if (i < 0) return false;
      const step = direction === 'left' || direction === 'up' ? -1 : 1;
      const target = this.nodes[Phaser.Math.Clamp(i + step, 0, this.nodes.length - 1)]!;
      focus.focus(target, true);
      return true;
    };
    const start = this.nodes[nextIndex] ?? this.nodes[0];
    if (start) focus.focus(start, false);
    this.input.keyboard?.on('keydown-ESC', () => this.scene.start(SCENES.title));
    this.cameras.main.fadeIn(MOTION.normal, 0x14, 0x17, 0x1f);
  }

  /** Node positions: each chapter gets width in proportion to its levels; nodes zig-zag. */
  private layout(starsByLevel: Record<string, number>): NodeState[] {
    const total = LEVELS.length;
    const usable = RIGHT - LEFT - GAP * (CHAPTERS.length - 1);
    const perLevel = usable / total;
    const states: NodeState[] = [];
    let x = LEFT;
    for (const chapter of CHAPTERS) {
      const levels = LEVELS.filter((l) => l.chapter === chapter.index);
      levels.forEach((level, j) => {
        const i = states.length;
        states.push({
          level,
          unlocked: isUnlocked(level.id, starsByLevel),
          stars: starsByLevel[level.id] ?? 0,
          x: x + perLevel * (j + 0.5),
          // A gentle zig-zag keeps the path a path, not a row of buttons.
          y: 330 + (i % 2 === 0 ? -44 : 56) + (i % 4 === 1 ? 20 : 0),
        });
      });
      x += perLevel * levels.length + GAP;
    }
    return states;
  }

  private nextToPlay(states: NodeState[]): number {
    const fresh = states.findIndex((s) => s.unlocked && s.stars === 0);
    if (fresh >= 0) return fresh;
    let last = 0;
    states.forEach((s, i) => {
      if (s.unlocked) last = i;
    });
    return last;
  }

  /** One panel per chapter, headed by its years and title. */
  private drawRegions(states: NodeState[]): void {
    const g = this.add.graphics();
    const usable = RIGHT - LEFT - GAP * (CHAPTERS.length - 1);
    const perLevel = usable / LEVELS.length;
    let x = LEFT;
    for (const chapter of CHAPTERS) {
      const count = LEVELS.filter((l) => l.chapter === chapter.index).length;
      const w = perLevel * count;
      const open = states.some((s) => s.level.chapter === chapter.index && s.unlocked);
      g.fillStyle(open ? COLORS.panel : 0x181b23, 1);
      g.fillRoundedRect(x, REGION_TOP, w, REGION_BOTTOM - REGION_TOP, RADIUS);
      g.lineStyle(1, COLORS.line, open ? 1 : 0.5);
      g.strokeRoundedRect(x + 0.5, REGION_TOP + 0.5, w - 1, REGION_BOTTOM - REGION_TOP - 1, RADIUS);
      addText(this, x + 16, REGION_TOP + 12, chapter.years, {
        size: TEXT.title,
        weight: 600,
        color: open ? CSS.text : CSS.locked,
      });
      this.drawDoodle(g, chapter.index, x + 18, REGION_BOTTOM - 72, open);
      addText(this, x + 16, REGION_TOP + 52, `Chapter ${chapter.index + 1} · ${chapter.title}`, {
        size: TEXT.small,
        color: open ? CSS.textDim : CSS.locked,
        wrap: w - 32,
      });
      x += w + GAP;
    }
  }

  /**
   * A small drawing of each chapter's idea in the lower left of its region (96×56): a fitted line,
   * a sigmoid, a tiny network, a curve that overfits. Decoration that also tells the story.
   */
  private drawDoodle(
    g: Phaser.GameObjects.Graphics,
    chapter: number,
    x: number,
    y: number,
    open: boolean,
  ): void {
    const alpha = open ? 0.55 : 0.25;
    const color = COLORS.textDim;
    g.lineStyle(2, color, alpha);
    g.fillStyle(color, alpha);
    const dots = (points: [number, number][]): void =>
      points.forEach(([px, py]) => g.fillCircle(x + px, y + py, 3));
    switch (chapter) {
      case 0:
        dots([
          [8, 46],
          [22, 36],
          [36, 40],
          [52, 26],
          [66, 24],
          [82, 12],
        ]);
        g.lineBetween(x, y + 50, x + 96, y + 6);
        break;
      case 1: {
        g.beginPath();
        for (let i = 0; i <= 24; i++) {
          const px = x + i * 4;
          const py = y + 52 - 48 * sigmoidApprox((i - 12) / 2);
          if (i === 0) g.moveTo(px, py);
          else g.lineTo(px, py);
        }
        g.strokePath();
        break;
      }
      case 2: {
        const layers = [[14, 42], [6, 28, 50], [28]];
        layers.forEach((ys, l) => {
          if (l + 1 < layers.length) {
            for (const a of ys)
              for (const b of layers[l + 1]!)
                g.lineBetween(x + 12 + l * 36, y + a, x + 48 + l * 36, y + b);
          }
          for (const a of ys) g.fillCircle(x + 12 + l * 36, y + a, 5);
        });
        break;
      }
      default: {
        const pts: [number, number][] = [
          [4, 44],
          [18, 20],
          [30, 40],
          [44, 14],
          [58, 38],
          [72, 10],
          [88, 30],
        ];
        dots(pts);
        g.strokePoints(
          pts.map(([px, py]) => ({ x: x + px, y: y + py })) as Phaser.Math.Vector2[],
          false,
        );
        g.lineStyle(2, color, alpha * 0.6);
        g.lineBetween(x, y + 36, x + 96, y + 22);
      }
    }
  }

  /** The timeline path through every node: solid where the journey is open, dotted beyond. */
  private drawPath(states: NodeState[]): void {
    const g = this.add.graphics();
    const points = [
      new Phaser.Math.Vector2(LEFT - 40, states[0]!.y + 30),
      ...states.map((s) => new Phaser.Math.Vector2(s.x, s.y)),
      new Phaser.Math.Vector2(RIGHT + 40, states.at(-1)!.y - 30),
    ];
    const spline = new Phaser.Curves.Spline(points);
    const samples = spline.getSpacedPoints(400);
    const lastOpen = states.reduce((acc, s, i) => (s.unlocked ? i : acc), 0);
    const openUntilX = states[lastOpen]!.x;
    // Solid, thick road up to the last open level…
    g.lineStyle(6, COLORS.line, 1);
    g.beginPath();
    let started = false;
    for (const p of samples) {
      if (p.x > openUntilX) break;
      if (!started) g.moveTo(p.x, p.y);
      else g.lineTo(p.x, p.y);
      started = true;
    }
    g.strokePath();
    // …then dots for the road not yet travelled.
    g.fillStyle(COLORS.line, 1);
    samples.forEach((p, i) => {
      if (p.x > openUntilX && i % 6 === 0) g.fillCircle(p.x, p.y, 2.5);
    });
  }

  private drawInfoPanel(): void {
    const top = REGION_BOTTOM + 20;
    const g = this.add.graphics();
    g.fillStyle(COLORS.panel, 1);
    g.fillRoundedRect(LEFT, top, RIGHT - LEFT, HEIGHT - top - 20, RADIUS);
    g.lineStyle(1, COLORS.line, 1);
    g.strokeRoundedRect(LEFT + 0.5, top + 0.5, RIGHT - LEFT - 1, HEIGHT - top - 21, RADIUS);
    const year = addText(this, LEFT + 24, top + 18, '', { size: TEXT.hero, weight: 600 });
    const title = addText(this, LEFT + 190, top + 16, '', { size: TEXT.label + 2, weight: 600 });
    const milestone = addText(this, LEFT + 190, top + 48, '', {
      size: TEXT.body,
      color: CSS.text,
      wrap: 720,
    });
    const chapter = addText(this, LEFT + 190, top + 96, '', {
      size: TEXT.small,
      color: CSS.textDim,
      wrap: 720,
    });
    const statusIcon = this.add.graphics();
    const status = addText(this, LEFT + 50, top + 90, '', {
      size: TEXT.small,
      color: CSS.textDim,
      wrap: 130,
    });
    const open = new Button(this, {
      x: RIGHT - 24 - 220,
      y: top + 50,
      width: 220,
      height: 52,
      label: 'Open briefing',
      icon: 'next',
      variant: 'primary',
      tooltip: 'Read what this level is about, then build the network',
      onClick: () => {
        if (this.selected) this.openLevel(this.selected);
      },
    });
    this.info = { year, title, milestone, chapter, status, statusIcon, open };
  }

  private select(node: LevelNode): void {
    this.selected = node;
    const { level, unlocked, stars } = node.spot;
    const chapter = CHAPTERS.find((c) => c.index === level.chapter);
    const info = this.info;
    info.year.setText(String(level.year)).setColor(unlocked ? CSS.text : CSS.textDim);
    info.title.setText(`${level.chapter + 1}.${level.order}  ${level.title}`);
    info.milestone.setText(level.milestone);
    info.chapter.setText(chapter ? chapter.blurb : '');
    const g = info.statusIcon;
    g.clear();
    const y = info.status.y + 10;
    if (!unlocked) {
      drawIcon(g, 'lock', LEFT + 36, y, 16, COLORS.textDim);
      info.status.setText('Locked');
    } else if (stars === 0) {
      drawIcon(g, 'star-empty', LEFT + 36, y, 16, COLORS.textDim);
      info.status.setText('Open, not won yet');
    } else {
      drawIcon(g, 'star', LEFT + 36, y, 16, COLORS.loss);
      info.status.setText(`${stars} of 3 stars`);
    }
    info.open.setDisabled(!unlocked);
    info.open.setLabel(unlocked ? 'Open briefing' : 'Locked');
    info.open.setIcon(unlocked ? 'next' : 'lock');
  }

  private openLevel(node: LevelNode): void {
    this.select(node);
    if (!node.spot.unlocked) {
      // Informative, not punishing: say why, with a small shake of the node.
      if (!reducedMotion()) {
        this.tweens.add({
          targets: node,
          x: node.spot.x + 6,
          duration: 50,
          yoyo: true,
          repeat: 2,
          onComplete: () => node.setX(node.spot.x),
        });
      }
      this.info.status.setText('Locked: win a star on the level before it');
      return;
    }
    const data: BriefingData = { levelId: node.spot.level.id };
    this.scene.start(SCENES.briefing, data);
  }
}
