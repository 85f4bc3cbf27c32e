/**
 * JourneyMap: the chapters as stops along a timeline path, with the real milestone years, and
 * the levels as nodes on it. A node shows its state in shape and words, not colour alone:
 * locked (a lock), open (a bright ring, the next one to play gently pulses), done (its stars,
 * drawn filled or hollow). Hovering or focusing a node fills the panel at the bottom with its
 * year, title, the sentence of what changed then, the chapter's idea and its status. After the
 * last chapter, the epilogue (`EPILOGUE`) stands in a region of its own: one stop that opens the
 * Scaling scene once a level of the last chapter has a star. Once every level has a star, a banner at the top says
 * the journey so far is complete, with the stars earned and what comes next.
 *
 * Keyboard: arrows move between nodes (and on to the coming stops), Enter/Space opens the
 * Briefing, Tab reaches the other controls; M mutes. Which levels are open comes from the level
 * rules (`isUnlocked`), never from here.
 */
import * as Phaser from 'phaser';
import { COLORS, CSS, HEIGHT, MOTION, RADIUS, TEXT, WIDTH, reducedMotion } from '../theme.js';
import {
  CHAPTERS,
  LEVELS,
  isUnlocked,
  journeyProgress,
  type JourneyProgress,
} from '../../levels/index.js';
import { currentClass, reportMap, services } from '../services.js';
import { Button } from '../ui/button.js';
import { FocusManager, type Focusable } from '../ui/focus.js';
import { drawIcon } from '../ui/icons.js';
import { MuteButton } from '../ui/mute-button.js';
import { addText } from '../ui/text.js';
import { drawDoodle } from '../objects/chapter-doodles.js';
import { SCENES, type BriefingData } from './keys.js';
import { EPILOGUE, comingNextWords } from './level-text.js';
import { epilogueOpen } from '../../levels/scaling.js';
import { ladderDone } from '../state/ladder-save.js';
import { MapInfo } from '../objects/map-info.js';
import { EpilogueNode, LevelNode, type NodeState } from '../objects/map-nodes.js';
import { onKeyDown } from '../ui/keys.js';

/** The band of the screen the regions and the path use. */
const REGION_TOP = 96;
const REGION_BOTTOM = 520;
const LEFT = 40;
const RIGHT = WIDTH - 40;
const GAP = 12;
/** The epilogue's region on the right, and where the chapters end. */
const EPILOGUE_W = 150;
const CHAPTERS_RIGHT = RIGHT - EPILOGUE_W - GAP;
/**
 * Each chapter's region: a width in proportion to its levels plus one share every chapter gets,
 * so a chapter of two levels still has room for its name.
 */
function chapterSpans(): { chapter: (typeof CHAPTERS)[number]; x: number; w: number }[] {
  const usable = CHAPTERS_RIGHT - LEFT - GAP * (CHAPTERS.length - 1);
  const count = (c: number): number => LEVELS.filter((l) => l.chapter === c).length;
  const unit = usable / (LEVELS.length + CHAPTERS.length);
  let x = LEFT;
  return CHAPTERS.map((chapter) => {
    const w = unit * (count(chapter.index) + 1);
    const span = { chapter, x, w };
    x += w + GAP;
    return span;
  });
}

/** Where the epilogue's stop sits in its region. */
const EPILOGUE_SPOT = { x: CHAPTERS_RIGHT + GAP + 30, y: REGION_TOP + 180 };

export class JourneyMap extends Phaser.Scene {
  private nodes: LevelNode[] = [];
  private epilogue: EpilogueNode | null = null;
  private info!: MapInfo;
  private selected: LevelNode | null = null;

  constructor() {
    super(SCENES.map);
  }

  create(): void {
    const { saves } = services();
    const starsByLevel = saves.starsByLevel();
    this.nodes = [];
    this.epilogue = null;
    this.selected = null;

    // Header: back, heading (or the banner of a finished journey), total stars, mute.
    new Button(this, {
      x: 24,
      y: 22,
      label: 'Title',
      icon: 'back',
      variant: 'ghost',
      tooltip: 'Back to the title screen',
      onClick: () => this.scene.start(SCENES.title),
    });
    const progress = journeyProgress(starsByLevel);
    if (progress.waiting === 0) {
      this.drawBanner(progress);
    } else {
      addText(this, WIDTH / 2, 28, 'The journey', { size: TEXT.title, weight: 600 }).setOrigin(
        0.5,
        0,
      );
    }
    const starIcon = this.add.graphics();
    drawIcon(starIcon, 'star', WIDTH - 200, 44, 20, COLORS.loss);
    addText(this, WIDTH - 184, 33, `${progress.earned} / ${progress.possible}`, {
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
    this.drawEpilogueRegion();
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
    this.markClassLevels(states);
    const epilogue = { open: epilogueOpen(LEVELS, starsByLevel), done: ladderDone(saves.ladder()) };
    reportMap({
      levels: states.map(({ level, unlocked, stars }) => ({
        id: level.id,
        chapter: level.chapter,
        unlocked,
        stars,
      })),
      epilogue,
    });
    this.epilogue = new EpilogueNode(
      this,
      EPILOGUE,
      epilogue.open,
      epilogue.done,
      EPILOGUE_SPOT.x,
      EPILOGUE_SPOT.y,
      (node) => this.selectEpilogue(node),
      (node) => this.openEpilogue(node),
    );
    const infoTop = REGION_BOTTOM + 20;
    this.info = new MapInfo(this, LEFT, RIGHT, infoTop, HEIGHT - 20, () => {
      if (this.selected) this.openLevel(this.selected);
      else if (this.epilogue) this.openEpilogue(this.epilogue);
    });

    const focus = FocusManager.for(this);
    focus.onArrow = (direction, current) => {
      const stops: Focusable[] = [...this.nodes, ...(this.epilogue ? [this.epilogue] : [])];
      const i = stops.indexOf(current as LevelNode | EpilogueNode);
      if (i < 0) return false;
      const step = direction === 'left' || direction === 'up' ? -1 : 1;
      const target = stops[Phaser.Math.Clamp(i + step, 0, stops.length - 1)]!;
      focus.focus(target, true);
      return true;
    };
    const start = this.nodes[nextIndex] ?? this.nodes[0];
    if (start) focus.focus(start, false);
    onKeyDown(this, () => this.scene.start(SCENES.title), 'ESC');
    this.cameras.main.fadeIn(MOTION.normal, 0x14, 0x17, 0x1f);
  }

  /**
   * Every level has a star: the journey so far is complete. A banner in place of the heading
   * says so, with the stars earned and the chapter that comes next.
   */
  private drawBanner({ earned, possible }: JourneyProgress): void {
    const x = 190;
    const w = WIDTH - 236 - x;
    const g = this.add.graphics();
    g.fillStyle(COLORS.panelRaised, 1);
    g.fillRoundedRect(x, 12, w, 72, RADIUS);
    g.lineStyle(2, COLORS.success, 1);
    g.strokeRoundedRect(x + 1, 13, w - 2, 70, RADIUS);
    drawIcon(g, 'star', x + 34, 48, 30, COLORS.loss);
    addText(this, x + 62, 20, 'The journey so far is complete: every level won', {
      size: TEXT.label + 2,
      weight: 600,
    });
    const next = comingNextWords();
    addText(this, x + 62, 52, `${earned} of ${possible} stars earned${next ? ` · ${next}` : ''}`, {
      size: TEXT.small,
      color: CSS.textDim,
    });
  }

  /** Node positions: spread evenly over their chapter's span (`chapterSpans`); nodes zig-zag. */
  private layout(starsByLevel: Record<string, number>): NodeState[] {
    const states: NodeState[] = [];
    chapterSpans().forEach(({ chapter, x, w }) => {
      const levels = LEVELS.filter((l) => l.chapter === chapter.index);
      levels.forEach((level, j) => {
        const i = states.length;
        states.push({
          level,
          unlocked: isUnlocked(level.id, starsByLevel),
          stars: starsByLevel[level.id] ?? 0,
          x: x + (w * (j + 0.5)) / levels.length,
          // A gentle zig-zag keeps the path a path, not a row of buttons.
          y: 330 + (i % 2 === 0 ? -44 : 56) + (i % 4 === 1 ? 20 : 0),
        });
      });
    });
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
    for (const { chapter, x, w } of chapterSpans()) {
      const open = states.some((s) => s.level.chapter === chapter.index && s.unlocked);
      g.fillStyle(open ? COLORS.panel : 0x181b23, 1);
      g.fillRoundedRect(x, REGION_TOP, w, REGION_BOTTOM - REGION_TOP, RADIUS);
      g.lineStyle(1, COLORS.line, open ? 1 : 0.5);
      g.strokeRoundedRect(x + 0.5, REGION_TOP + 0.5, w - 1, REGION_BOTTOM - REGION_TOP - 1, RADIUS);
      const years = addText(this, x + 16, REGION_TOP + 12, chapter.years, {
        size: TEXT.title,
        weight: 600,
        color: open ? CSS.text : CSS.locked,
      });
      // A narrow region (a chapter of one or two levels) takes its years smaller, not over
      // the next region.
      for (let size = TEXT.title - 2; years.width > w - 24 && size >= TEXT.small; size -= 2) {
        years.setFontSize(size);
      }
      drawDoodle(g, chapter.index, x + 18, REGION_BOTTOM - 72, open);
      addText(this, x + 16, REGION_TOP + 52, `Chapter ${chapter.index + 1} · ${chapter.title}`, {
        size: TEXT.small,
        color: open ? CSS.textDim : CSS.locked,
        wrap: w - 32,
      });
    }
  }

  /**
   * The region of the chapters still to come: no panel fill, only a faint outline, headed
   * "Coming" so it never reads as part of the playable journey.
   */
  /**
   * In a class: its levels carry a "class" tag, and a line under the heading names the class,
   * so a student sees where the class's rules (and the board) apply.
   */
  private markClassLevels(states: NodeState[]): void {
    const m = currentClass();
    if (!m) return;
    addText(
      this,
      WIDTH / 2,
      70,
      `Class ${m.info.name} · you are ${m.nickname} · its levels are tagged`,
      {
        size: TEXT.small,
        color: CSS.data,
      },
    ).setOrigin(0.5, 0);
    const g = this.add.graphics();
    for (const state of states) {
      if (!m.info.levels.includes(state.level.id)) continue;
      g.fillStyle(COLORS.data, 1).fillRoundedRect(state.x - 26, state.y - 54, 52, 20, 10);
      addText(this, state.x, state.y - 54, 'class', {
        size: TEXT.small,
        color: CSS.background,
        weight: 600,
      }).setOrigin(0.5, 0);
    }
  }

  private drawEpilogueRegion(): void {
    const x = CHAPTERS_RIGHT + GAP;
    const g = this.add.graphics();
    g.lineStyle(1, COLORS.line, 0.6);
    g.strokeRoundedRect(
      x + 0.5,
      REGION_TOP + 0.5,
      EPILOGUE_W - 1,
      REGION_BOTTOM - REGION_TOP - 1,
      RADIUS,
    );
    addText(this, x + 16, REGION_TOP + 12, 'Epilogue', {
      size: TEXT.title,
      weight: 600,
    });
    addText(this, x + 16, REGION_TOP + 52, EPILOGUE.what, {
      size: TEXT.small,
      color: CSS.textDim,
      wrap: EPILOGUE_W - 32,
    });
  }

  /**
   * The timeline path through every node and on to the epilogue: solid between two open levels
   * (the road travelled), dotted wherever a locked level or the closed epilogue lies ahead.
   */
  private drawPath(states: NodeState[]): void {
    const g = this.add.graphics();
    const first = EPILOGUE_SPOT;
    const points = [
      new Phaser.Math.Vector2(LEFT - 40, states[0]!.y + 30),
      ...states.map((s) => new Phaser.Math.Vector2(s.x, s.y)),
      // Into the epilogue's stop from its left, below the region's heading.
      new Phaser.Math.Vector2(first.x - 40, first.y + 24),
      new Phaser.Math.Vector2(first.x, first.y),
    ];
    const spline = new Phaser.Curves.Spline(points);
    const samples = spline.getSpacedPoints(400);
    /** Solid where the sample lies between two open levels (before the first: the first's state). */
    const solid = (x: number): boolean => {
      if (x > states.at(-1)!.x) return this.epilogue?.open ?? false;
      const after = states.findIndex((s) => s.x >= x);
      const a = states[Math.max(0, after - 1)]!;
      const b = states[Math.max(0, after)]!;
      return a.unlocked && b.unlocked;
    };
    // Solid, thick road where both ends are open…
    g.lineStyle(6, COLORS.line, 1);
    let drawing = false;
    for (const p of samples) {
      if (solid(p.x)) {
        if (!drawing) g.beginPath().moveTo(p.x, p.y);
        else g.lineTo(p.x, p.y);
        drawing = true;
      } else if (drawing) {
        g.strokePath();
        drawing = false;
      }
    }
    if (drawing) g.strokePath();
    // …then dots for the road not yet travelled.
    g.fillStyle(COLORS.line, 1);
    samples.forEach((p, i) => {
      if (!solid(p.x) && i % 6 === 0) g.fillCircle(p.x, p.y, 2.5);
    });
  }

  private select(node: LevelNode): void {
    this.selected = node;
    const { level, unlocked, stars } = node.spot;
    const chapter = CHAPTERS.find((c) => c.index === level.chapter);
    this.info.show({
      year: String(level.year),
      title: `${level.chapter + 1}.${level.order}  ${level.title}`,
      milestone: level.milestone,
      chapter: chapter ? chapter.blurb : '',
      status: !unlocked ? 'Locked' : stars === 0 ? 'Open, not won yet' : `${stars} of 3 stars`,
      statusIcon: !unlocked ? 'lock' : stars === 0 ? 'star-empty' : 'star',
      action: unlocked
        ? { label: 'Open briefing', icon: 'next', disabled: null }
        : {
            label: 'Locked',
            icon: 'lock',
            disabled: `Locked: win a star on the level before "${level.title}" to open it`,
          },
      dimYear: !unlocked,
    });
  }

  private selectEpilogue(node: EpilogueNode): void {
    this.selected = null;
    const { stop, open, done } = node;
    this.info.show({
      year: stop.years,
      title: `Epilogue · ${stop.title}`,
      milestone: stop.blurb,
      chapter: 'Train one transformer in five sizes on Moby-Dick and fit the line its losses make.',
      status: done
        ? 'The whole ladder trained'
        : open
          ? 'Open'
          : 'Opens with a star in the last chapter',
      statusIcon: done ? 'star' : open ? 'info' : 'lock',
      action: open
        ? { label: 'Open', icon: 'next', disabled: null }
        : {
            label: 'Locked',
            icon: 'lock',
            disabled: 'Win a star on a level of the last chapter first',
          },
      dimYear: !open,
    });
  }

  private openEpilogue(node: EpilogueNode): void {
    this.selectEpilogue(node);
    if (node.open) this.scene.start(SCENES.scaling);
    else this.info.say('Locked: win a star on a level of the last chapter first');
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
      this.info.say('Locked: win a star on the level before it');
      return;
    }
    const data: BriefingData = { levelId: node.spot.level.id };
    this.scene.start(SCENES.briefing, data);
  }
}
