/**
 * The data controls a level opens, on its workbench: TensorFlow Playground's noise, training
 * share and number of points, each a slider within the level's range, locked (with the reason)
 * where a teacher's link locks it. A change writes the draft's data settings; the workbench
 * then redraws the data and the link.
 */
import type * as Phaser from 'phaser';
import type { DataControls, DataSettings } from '../../levels/types.js';
import { isEditable, type Control, type TeacherFlags } from '../state/teacher.js';
import { Slider } from '../ui/slider.js';

/** Height of one control row. */
export const DATA_ROW = 62;

/** Each data control's label and tooltip: the same on a level's workbench and the data page. */
export const DATA_WORDS: Record<keyof DataSettings, { label: string; tooltip: string }> = {
  noise: {
    label: 'Noise',
    tooltip: 'How far each point is pushed off its place at random: more noise, more overlap',
  },
  train: {
    label: 'Points used for training',
    tooltip: 'The rest is held out, half to check on training (validation), half for the test',
  },
  n: { label: 'Number of points', tooltip: 'How many points the data set has in all' },
};

/** A share as a percentage, as the noise and training-share sliders show it. */
export const percent = (v: number): string => `${Math.round(v * 100)}%`;

const ROWS: { key: keyof DataSettings; control: Control }[] = [
  { key: 'noise', control: 'noise' },
  { key: 'train', control: 'train' },
  { key: 'n', control: 'points' },
];

/** The open controls of `controls` a teacher's link does not hide, in display order. */
export function shownDataControls(controls: DataControls, teacher: TeacherFlags): typeof ROWS {
  return ROWS.filter((r) => {
    const range = controls[r.key];
    return range && !range.locked && range.min < range.max && !teacher.hide.has(r.control);
  });
}

export interface DataControlsOptions {
  x: number;
  y: number;
  width: number;
  controls: DataControls;
  teacher: TeacherFlags;
  /** The draft's data settings, edited in place (a key is left out at the level's own value). */
  data: () => DataSettings;
  onChange: (data: DataSettings) => void;
}

/** Builds the sliders; returns how many it made. */
export function buildDataControls(scene: Phaser.Scene, o: DataControlsOptions): number {
  const rows = shownDataControls(o.controls, o.teacher);
  rows.forEach((r, i) => {
    const range = o.controls[r.key]!;
    new Slider(scene, {
      x: o.x,
      y: o.y + i * DATA_ROW,
      width: o.width,
      label: DATA_WORDS[r.key].label,
      min: range.min,
      max: range.max,
      step: r.key === 'n' ? 10 : 0.01,
      value: o.data()[r.key] ?? range.value,
      format: r.key === 'n' ? (v) => String(Math.round(v)) : percent,
      locked: !isEditable(r.control, o.teacher, false),
      lockReason: `locked by the teacher's link (${r.control})`,
      tooltip: DATA_WORDS[r.key].tooltip,
      onChange: (v) => {
        const data = { ...o.data() };
        const value = r.key === 'n' ? Math.round(v) : v;
        if (value === range.value) delete data[r.key];
        else data[r.key] = value;
        o.onChange(data);
      },
    });
  });
  return rows.length;
}
