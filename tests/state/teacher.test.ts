import { describe, expect, it } from 'vitest';
import {
  CONTROLS,
  encodeTeacher,
  isEditable,
  noTeacherFlags,
  parseTeacher,
  type Control,
  type TeacherFlags,
} from '../../src/game/state/teacher.js';

const flags = (hide: Control[], lock: Control[]): TeacherFlags => ({
  hide: new Set(hide),
  lock: new Set(lock),
});

describe('parseTeacher', () => {
  it('reads hide and lock lists and ignores other keys', () => {
    const { flags: f, errors } = parseTeacher(
      new URLSearchParams('level=c2-xor&hide=optimizer,batch&lock=lr,layers'),
    );
    expect(errors).toEqual([]);
    expect(f).toEqual(flags(['optimizer', 'batch'], ['lr', 'layers']));
  });

  it('gives empty flags for no flags, empty lists and stray commas', () => {
    expect(parseTeacher(new URLSearchParams('')).flags).toEqual(noTeacherFlags());
    const { flags: f, errors } = parseTeacher(new URLSearchParams('hide=&lock=,seed,,'));
    expect(errors).toEqual([]);
    expect(f).toEqual(flags([], ['seed']));
  });

  it('adds up repeated keys', () => {
    expect(parseTeacher(new URLSearchParams('hide=lr&hide=l2')).flags.hide).toEqual(
      new Set(['lr', 'l2']),
    );
  });

  it('reports unknown names in player words but applies the rest', () => {
    const { flags: f, errors } = parseTeacher(
      new URLSearchParams('hide=optimizer,learningrate&lock=LR,seed'),
    );
    expect(f).toEqual(flags(['optimizer'], ['seed']));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(
      /asks to hide "learningrate", which is not a control \(known: optimizer, lr, batch/,
    );
    expect(errors[1]).toMatch(/asks to lock "LR"/);
  });
});

describe('encodeTeacher', () => {
  it('is empty without flags', () => {
    expect(encodeTeacher(noTeacherFlags())).toBe('');
  });

  it('lists controls in a fixed order, leaving out an empty list', () => {
    expect(encodeTeacher(flags(['batch', 'optimizer'], ['layers', 'lr']))).toBe(
      'hide=optimizer,batch&lock=lr,layers',
    );
    expect(encodeTeacher(flags([], ['speed']))).toBe('lock=speed');
    expect(encodeTeacher(flags(['dropout'], []))).toBe('hide=dropout');
  });

  it('round-trips every subset of controls', () => {
    for (let mask = 0; mask < 1 << CONTROLS.length; mask++) {
      const hide = CONTROLS.filter((_, i) => mask & (1 << i));
      const lock = CONTROLS.filter((_, i) => !(mask & (1 << i)));
      const f = flags(hide, lock);
      const back = parseTeacher(new URLSearchParams(encodeTeacher(f)));
      expect(back.errors).toEqual([]);
      expect(back.flags).toEqual(f);
    }
  });
});

describe('isEditable', () => {
  it('is true only when neither the teacher nor the level holds the control', () => {
    const f = flags(['optimizer'], ['lr']);
    expect(isEditable('batch', f, false)).toBe(true);
    expect(isEditable('batch', f, true)).toBe(false);
    expect(isEditable('optimizer', f, false)).toBe(false);
    expect(isEditable('lr', f, false)).toBe(false);
    expect(isEditable('lr', noTeacherFlags(), false)).toBe(true);
  });

  it('is false for every control that is hidden or locked', () => {
    for (const control of CONTROLS) {
      expect(isEditable(control, flags([control], []), false)).toBe(false);
      expect(isEditable(control, flags([], [control]), false)).toBe(false);
      expect(isEditable(control, noTeacherFlags(), false)).toBe(true);
    }
  });
});
