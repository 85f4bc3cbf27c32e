/**
 * The journey map's panel at the bottom: what the node in focus is about — its year, title, the
 * sentence of what changed then, the chapter's idea, its status in an icon and words — and the
 * main button, which opens the briefing or, disabled, carries its reason as its tooltip. The map
 * decides the content; the panel only lays it out.
 */
import type * as Phaser from 'phaser';
import { COLORS, CSS, RADIUS, TEXT } from '../theme.js';
import { Button } from '../ui/button.js';
import { drawIcon } from '../ui/icons.js';
import { addText } from '../ui/text.js';

/** What the info panel shows about the node in focus. */
export interface InfoContent {
  year: string;
  title: string;
  milestone: string;
  chapter: string;
  status: string;
  statusIcon: 'lock' | 'star' | 'star-empty' | 'info';
  /** The main button: open the briefing, or disabled with its reason as the tooltip. */
  action: { label: string; icon: 'next' | 'lock' | 'info'; disabled: string | null };
  /** Whether the year is drawn dim (a locked level, a stop still to come). */
  dimYear: boolean;
}

const OPEN_TIP = 'Read what this level is about, then build the network';

export class MapInfo {
  private readonly year: Phaser.GameObjects.Text;
  private readonly title: Phaser.GameObjects.Text;
  private readonly milestone: Phaser.GameObjects.Text;
  private readonly chapter: Phaser.GameObjects.Text;
  private readonly status: Phaser.GameObjects.Text;
  private readonly statusIcon: Phaser.GameObjects.Graphics;
  private readonly open: Button;

  /** A panel over `left`…`right` from `top` to `bottom`; `onOpen` is the main button's action. */
  constructor(
    scene: Phaser.Scene,
    private readonly left: number,
    right: number,
    top: number,
    bottom: number,
    onOpen: () => void,
  ) {
    const g = scene.add.graphics();
    g.fillStyle(COLORS.panel, 1);
    g.fillRoundedRect(left, top, right - left, bottom - top, RADIUS);
    g.lineStyle(1, COLORS.line, 1);
    g.strokeRoundedRect(left + 0.5, top + 0.5, right - left - 1, bottom - top - 1, RADIUS);
    this.year = addText(scene, left + 24, top + 18, '', { size: TEXT.hero, weight: 600 });
    this.title = addText(scene, left + 190, top + 16, '', { size: TEXT.label + 2, weight: 600 });
    this.milestone = addText(scene, left + 190, top + 48, '', {
      size: TEXT.body,
      color: CSS.text,
      wrap: 720,
    });
    this.chapter = addText(scene, left + 190, top + 96, '', {
      size: TEXT.small,
      color: CSS.textDim,
      wrap: 720,
    });
    this.statusIcon = scene.add.graphics();
    this.status = addText(scene, left + 50, top + 90, '', {
      size: TEXT.small,
      color: CSS.textDim,
      wrap: 130,
    });
    this.open = new Button(scene, {
      x: right - 24 - 220,
      y: top + 50,
      width: 220,
      height: 52,
      label: 'Open briefing',
      icon: 'next',
      variant: 'primary',
      tooltip: OPEN_TIP,
      onClick: onOpen,
    });
  }

  show(content: InfoContent): void {
    this.year.setText(content.year).setColor(content.dimYear ? CSS.textDim : CSS.text);
    // A span of years ("1989–1998") is set smaller so it stays clear of the title.
    this.year.setFontSize(content.year.length > 4 ? TEXT.title : TEXT.hero);
    this.title.setText(content.title);
    this.milestone.setText(content.milestone);
    this.chapter.setText(content.chapter);
    const icon = content.statusIcon;
    this.statusIcon.clear();
    const color = icon === 'star' ? COLORS.loss : COLORS.textDim;
    drawIcon(this.statusIcon, icon, this.left + 36, this.status.y + 10, 16, color);
    this.status.setText(content.status);
    const { label, icon: buttonIcon, disabled } = content.action;
    this.open.setDisabled(disabled !== null);
    this.open.setLabel(label);
    this.open.setIcon(buttonIcon);
    this.open.setTooltip(disabled ?? OPEN_TIP);
  }

  /** Replaces the status words, to answer a press where the player is looking. */
  say(status: string): void {
    this.status.setText(status);
  }
}
