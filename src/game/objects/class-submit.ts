/**
 * "Submit to the class" on the Result of a won class level: sends what to replay (the level,
 * the network, the settings, the seed — never the score) with the version it was made with,
 * then follows the server's replay until it is verified or refused, and says so in words.
 * Shown only to a student in a class, for a level of that class, after a win.
 */
import type * as Phaser from 'phaser';
import type { Attempt, Level } from '../../levels/types.js';
import kernelUrl from '../../../build/kernel.wasm?url';
import { currentClass } from '../services.js';
import { ClassroomError, runVersion, submissionStatus, submitAttempt } from '../state/classroom.js';
import { CSS, TEXT, textStyle } from '../theme.js';
import { Button } from '../ui/button.js';
import { formatMetric } from '../scenes/level-text.js';

/** How often the replay's progress is asked for, and for how long at most. */
const POLL_MS = 1000;
const POLL_LIMIT = 120;

export interface ClassSubmitOptions {
  x: number;
  y: number;
  attempt: Attempt;
  level: Level;
}

/** Adds the button and its status line when the attempt can go to the class; else nothing. */
export function buildClassSubmit(scene: Phaser.Scene, o: ClassSubmitOptions): Button | null {
  const m = currentClass();
  if (!m || !o.attempt.passed || !m.info.levels.includes(o.level.id) || m.info.endedAt) return null;
  const status = scene.add
    .text(o.x, o.y - 48, '', textStyle(TEXT.small, CSS.textDim))
    .setWordWrapWidth(420)
    .setLineSpacing(3);
  let sent = false;
  const say = (text: string, color: string = CSS.textDim): void => {
    if (status.active) status.setText(text).setColor(color);
  };
  const button = new Button(scene, {
    x: o.x,
    y: o.y,
    width: 260,
    height: 52,
    label: 'Submit to the class',
    icon: 'next',
    tooltip: `Send this network to ${m.info.name}: the server replays it and puts its own score on the board`,
    onClick: () => {
      if (sent) return;
      sent = true;
      button.setDisabled(true);
      void (async () => {
        try {
          say('Sending…');
          const version = await runVersion(o.level, kernelUrl);
          const accepted = await submitAttempt(m, o.attempt, version);
          say(
            `Sent. The server is replaying your run… (${accepted.remaining} left for this level)`,
          );
          for (let i = 0; i < POLL_LIMIT && button.active; i++) {
            await new Promise((r) => setTimeout(r, POLL_MS));
            const s = await submissionStatus(m, accepted.id);
            if (s.status === 'refused')
              return say(`⚠ Not accepted: ${s.message ?? 'refused'}`, CSS.warning);
            if (s.status === 'done' && s.result) {
              const r = s.result;
              return say(
                r.passed
                  ? `✓ Verified by replay: ${'★'.repeat(r.stars)} · ${formatMetric(o.level, r.publicScore)} on the class board`
                  : `The replay did not meet the goal (${formatMetric(o.level, r.publicScore)}): it is on the board unstarred.`,
                r.passed ? CSS.success : CSS.text,
              );
            }
          }
        } catch (error) {
          sent = false;
          button.setDisabled(false);
          say(`⚠ ${error instanceof ClassroomError ? error.message : String(error)}`, CSS.warning);
        }
      })();
    },
  });
  say(`You are in ${m.info.name} as ${m.nickname}.`);
  return button;
}
