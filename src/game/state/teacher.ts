/**
 * Teacher-link flags: `&hide=optimizer,batch&lock=lr,layers` in a share URL hides chosen
 * controls and locks settings to the link's values, so a teacher can hand out one tailored
 * exercise ("find a learning rate that works; everything else is fixed"). See
 * `docs/sharing.md`. Pure: no browser globals.
 */
import { CONTROLS, type Control } from '../../levels/controls.js';

/** The controls a teacher link can hide or lock: defined with the level rules, which need them. */
export { CONTROLS, type Control };

/** What a teacher link asks for. Hidden controls are not shown; locked ones show but cannot change. */
export interface TeacherFlags {
  hide: ReadonlySet<Control>;
  lock: ReadonlySet<Control>;
}

/** No teacher flags: every control the level allows is shown and editable. */
export function noTeacherFlags(): TeacherFlags {
  return { hide: new Set(), lock: new Set() };
}

function isControl(name: string): name is Control {
  return (CONTROLS as readonly string[]).includes(name);
}

/**
 * Reads `hide` and `lock` from a link's parameters (other keys are ignored). An unknown control
 * name is reported in player words but does not cancel the rest: a teacher's typo in one name
 * should not undo the whole exercise. Repeated `hide`/`lock` keys add up; empty items
 * (`hide=` or a trailing comma) are ignored.
 */
export function parseTeacher(params: URLSearchParams): { flags: TeacherFlags; errors: string[] } {
  const errors: string[] = [];
  const read = (key: 'hide' | 'lock', verb: string): Set<Control> => {
    const set = new Set<Control>();
    for (const value of params.getAll(key)) {
      for (const item of value.split(',')) {
        const name = item.trim();
        if (name === '') continue;
        if (isControl(name)) {
          set.add(name);
        } else {
          errors.push(
            `The shared link asks to ${verb} "${name.slice(0, 40)}", which is not a control ` +
              `(known: ${CONTROLS.join(', ')}); its other choices still apply.`,
          );
        }
      }
    }
    return set;
  };
  const hide = read('hide', 'hide');
  const lock = read('lock', 'lock');
  return { flags: { hide, lock }, errors };
}

/**
 * The flags as URL parameters (`hide=…&lock=…`, controls in `CONTROLS` order so the same flags
 * always give the same link), or '' when there are none. Append with `&` to `encodeShare`.
 */
export function encodeTeacher(flags: TeacherFlags): string {
  const parts: string[] = [];
  const list = (set: ReadonlySet<Control>): string => CONTROLS.filter((c) => set.has(c)).join(',');
  if (flags.hide.size) parts.push(`hide=${list(flags.hide)}`);
  if (flags.lock.size) parts.push(`lock=${list(flags.lock)}`);
  return parts.join('&');
}

/**
 * Whether the player may change a control: not when the teacher hid or locked it, nor when the
 * level itself locks the setting (`Setting.locked`). Hiding implies not editable, so a hidden
 * control can never be changed through a keyboard shortcut either.
 */
export function isEditable(control: Control, flags: TeacherFlags, levelLocked: boolean): boolean {
  return !levelLocked && !flags.hide.has(control) && !flags.lock.has(control);
}
