/**
 * The sound toggle shown in a corner of the title and the map: a small icon button whose icon
 * and tooltip say the current state in words ("Sound is on — mute it"). The caller owns the
 * setting (the SaveStore) and passes how to read and write it, keeping the kit free of game state.
 */
import type * as Phaser from 'phaser';
import { Button } from './button.js';
import { onKeyDown } from './keys.js';

export interface MuteButtonOptions {
  x: number;
  y: number;
  isMuted: () => boolean;
  setMuted: (muted: boolean) => void;
}

export class MuteButton extends Button {
  private readonly read: () => boolean;

  constructor(scene: Phaser.Scene, options: MuteButtonOptions) {
    super(scene, {
      x: options.x,
      y: options.y,
      label: '',
      icon: options.isMuted() ? 'sound-off' : 'sound-on',
      tooltip: '',
      variant: 'ghost',
      onClick: () => {
        options.setMuted(!this.read());
        this.sync();
      },
    });
    this.read = options.isMuted;
    this.sync();
    // M toggles sound from anywhere on the screen, as the tooltip says.
    const onKey = (): void => this.activate();
    const off = onKeyDown(scene, onKey, 'M');
    this.once('destroy', off);
  }

  private sync(): void {
    const muted = this.read();
    this.setIcon(muted ? 'sound-off' : 'sound-on');
    this.setTooltip(muted ? 'Sound is off: turn it on (M)' : 'Sound is on: mute it (M)');
  }
}
