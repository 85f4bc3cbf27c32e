/**
 * Join a class: the join code the teacher shows and a nickname (a made-up name: the board shows
 * it to the whole class), checked here as the server checks them and then by the server, whose
 * refusal (a code that does not exist, a nickname taken, a class that has ended) is shown as it
 * words it. Once joined, the scene shows the class — its levels, the controls it hides or locks,
 * its deadline — and lets the student leave it.
 */
import * as Phaser from 'phaser';
import { levelById } from '../../levels/index.js';
import { currentClass, setClass } from '../services.js';
import {
  ClassroomError,
  classBoard,
  classInfo,
  joinClass,
  myStanding,
  readCode,
  readNickname,
  standing,
  type Membership,
} from '../state/classroom.js';
import { COLORS, CSS, RADIUS, TEXT, WIDTH, textStyle } from '../theme.js';
import { Button } from '../ui/button.js';
import { FocusManager } from '../ui/focus.js';
import { Notice } from '../ui/notice.js';
import { TextField } from '../ui/text-field.js';
import { SCENES } from './keys.js';

export class ClassJoin extends Phaser.Scene {
  private notice: Notice | null = null;
  private busy = false;

  constructor() {
    super(SCENES.classJoin);
  }

  create(): void {
    this.cameras.main.setBackgroundColor(COLORS.background);
    this.notice = null;
    this.busy = false;
    new Button(this, {
      x: 16,
      y: 14,
      label: 'Title',
      icon: 'back',
      variant: 'ghost',
      tooltip: 'Back to the title screen',
      onClick: () => this.scene.start(SCENES.title),
    });
    this.add.text(130, 12, 'Your class', textStyle(TEXT.title, CSS.text, 600));
    this.add
      .graphics()
      .fillStyle(COLORS.panel, 1)
      .fillRoundedRect(96, 90, WIDTH - 192, 560, RADIUS);
    const m = currentClass();
    if (m) this.showClass();
    else this.showJoin();
  }

  private showJoin(): void {
    this.add.text(128, 112, 'Join a class', textStyle(TEXT.label, CSS.text, 600));
    this.add
      .text(
        128,
        146,
        'Your teacher shows a join code of six letters and digits. Pick a nickname: a made-up name, since the class board shows it to everyone. Your wins on the class levels can then be sent to the board, where the server replays each one to check it.',
        textStyle(TEXT.body, CSS.textDim),
      )
      .setWordWrapWidth(900)
      .setLineSpacing(4);
    this.add.text(128, 236, 'Join code', textStyle(TEXT.small, CSS.textDim));
    const code = new TextField(this, {
      x: 128,
      y: 260,
      width: 220,
      label: 'Join code',
      id: 'class-code',
      maxLength: 12,
      placeholder: 'K7QXMP',
      onEnter: () => nick.input.focus(),
    });
    this.add.text(128, 320, 'Nickname', textStyle(TEXT.small, CSS.textDim));
    const nick: TextField = new TextField(this, {
      x: 128,
      y: 344,
      width: 360,
      label: 'Nickname',
      id: 'class-nickname',
      maxLength: 20,
      onEnter: () => void this.join(code.value, nick.value),
    });
    const join = new Button(this, {
      x: 128,
      y: 420,
      width: 220,
      label: 'Join',
      icon: 'next',
      variant: 'primary',
      tooltip: 'Join the class with this code and nickname',
      onClick: () => void this.join(code.value, nick.value),
    });
    FocusManager.for(this).focus(join, false);
    code.input.focus();
  }

  private async join(codeText: string, nickText: string): Promise<void> {
    if (this.busy) return;
    const code = readCode(codeText);
    if (typeof code !== 'string') return this.warn(code.error);
    const nickname = readNickname(nickText);
    if (typeof nickname !== 'string') return this.warn(nickname.error);
    this.busy = true;
    try {
      setClass(await joinClass(code, nickname));
      if (this.scene.isActive()) this.scene.restart();
    } catch (error) {
      this.warn(error instanceof ClassroomError ? error.message : String(error));
    } finally {
      this.busy = false;
    }
  }

  private showClass(): void {
    const m = currentClass()!;
    const info = m.info;
    this.add.text(128, 112, info.name, textStyle(TEXT.label, CSS.text, 600));
    const levels = info.levels.map((id) => levelById(id)?.title ?? id).join(', ');
    const flags = [
      info.hide.length ? `hidden: ${info.hide.join(', ')}` : '',
      info.lock.length ? `locked: ${info.lock.join(', ')}` : '',
    ].filter(Boolean);
    const lines = [
      `You are in as ${m.nickname} (code ${m.code}).`,
      `Levels: ${levels}.`,
      flags.length ? `On these levels the teacher set: ${flags.join('; ')}.` : '',
      info.end ? `Submissions close ${new Date(info.end).toLocaleString()}.` : '',
      info.endedAt ? 'The contest has ended: the final board is out.' : '',
      `Each level takes ${info.submissionsPerLevel} submission${info.submissionsPerLevel === 1 ? '' : 's'} from you. Win a class level, then press "Submit to the class" on its result.`,
    ].filter(Boolean);
    this.add
      .text(128, 146, lines.join('\n'), textStyle(TEXT.body, CSS.text))
      .setWordWrapWidth(980)
      .setLineSpacing(8);
    const map = new Button(this, {
      x: 128,
      y: 520,
      width: 240,
      label: 'Open the map',
      icon: 'map',
      variant: 'primary',
      tooltip: 'The journey map, with the class levels marked',
      onClick: () => this.scene.start(SCENES.map),
    });
    new Button(this, {
      x: 390,
      y: 520,
      width: 200,
      label: 'Leave the class',
      icon: 'back',
      tooltip: 'Forget this class in this browser (your board entries stay)',
      onClick: () => {
        setClass(null);
        this.scene.restart();
      },
    });
    FocusManager.for(this).focus(map, false);
    void this.showStanding(m);
    // The teacher may have changed the class (or ended it) since: refresh what is kept.
    void classInfo(m.code)
      .then((fresh) => {
        if (JSON.stringify(fresh) === JSON.stringify(m.info)) return;
        setClass({ ...m, info: fresh });
        if (this.scene.isActive()) this.scene.restart();
      })
      .catch(() => undefined);
  }

  /** The board's verdict on this student and, per level, where their best run sits. */
  private async showStanding(m: Membership): Promise<void> {
    let lines: string[];
    try {
      const [board, me] = await Promise.all([classBoard(m.code), myStanding(m)]);
      const row = board.rows.find((r) => r.nickname === m.nickname);
      lines = [
        row
          ? `${board.kind === 'private' ? 'Final board' : 'Live board'}: you are ${ordinal(row.rank)} of ${board.rows.length}, ${row.stars} star${row.stars === 1 ? '' : 's'}.`
          : `Nothing verified on the board yet (${board.rows.length} classmate${board.rows.length === 1 ? '' : 's'} on it).`,
      ];
      for (const [levelId, h] of Object.entries(me.histograms)) {
        if (!h.mine) continue;
        const title = levelById(levelId)?.title ?? levelId;
        lines.push(
          `${title}: your best run has ${h.mine.params} parameters and took ${h.mine.steps} steps; ${standing(h.mine.params, h.params, 'parameters')}.`,
        );
      }
    } catch (error) {
      lines = [`The board could not be read: ${(error as Error).message}`];
    }
    if (!this.scene.isActive()) return;
    this.add
      .text(128, 330, lines.join('\n'), textStyle(TEXT.body, CSS.data))
      .setWordWrapWidth(980)
      .setLineSpacing(8);
  }

  private warn(text: string): void {
    this.notice?.destroy();
    this.notice = new Notice(this, { text, kind: 'warning', y: 520, x: 380, width: 700 });
  }
}

/** 1st, 2nd, 3rd, 4th … */
function ordinal(n: number): string {
  const tail = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${tail}`;
}
