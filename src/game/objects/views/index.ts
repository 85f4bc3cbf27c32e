/**
 * Which view draws a run, from the kind of data it trains on: the one table of the Training
 * view's kinds. The first entry whose `fits` holds wins, so the order is part of the rule
 * (images before any count of inputs; sequences too, since a short one may have one or two
 * inputs; the table last, for everything else). A new kind of data is one file with its `RunView`
 * and one entry here.
 */
import type * as Phaser from 'phaser';
import type { DataInfo } from '../../../engine/trainer.js';
import { CurveView } from './curve-view.js';
import { ImageView } from './image-view.js';
import { PointsView } from './points-view.js';
import type { RunView, RunViewOptions } from './run-view.js';
import { SequenceView } from './sequence-view.js';
import { TableView } from './table-view.js';

export type { Editing, GhostShown, RunView, RunViewOptions } from './run-view.js';

interface ViewKind {
  /** The kind of data, in words: what the entry is for. */
  kind: string;
  fits: (data: DataInfo) => boolean;
  make: (scene: Phaser.Scene, o: RunViewOptions) => RunView;
}

const VIEWS: readonly ViewKind[] = [
  { kind: 'images', fits: (d) => Boolean(d.image), make: (s, o) => new ImageView(s, o) },
  {
    kind: 'sequences',
    fits: (d) => Boolean(d.sequence),
    make: (s, o) => new SequenceView(s, o),
  },
  { kind: 'points', fits: (d) => d.inputs === 2, make: (s, o) => new PointsView(s, o) },
  { kind: 'curve', fits: (d) => d.inputs === 1, make: (s, o) => new CurveView(s, o) },
  { kind: 'table', fits: () => true, make: (s, o) => new TableView(s, o) },
];

/** The view for the run's data, not yet drawn (the scene calls its `build`). */
export function viewFor(scene: Phaser.Scene, o: RunViewOptions): RunView {
  return VIEWS.find((v) => v.fits(o.info.data))!.make(scene, o);
}
