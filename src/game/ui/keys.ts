/**
 * Key handlers that see each key press once. Phaser queues DOM key events and processes the
 * whole queue on every new event, clearing it only at the end of a frame, so a keydown whose
 * keyup arrives in the same frame (a quick tap, or a test's `press`) is dispatched twice: an
 * activation cycled two steps, a pause undone at once. Every handler of the game registers here
 * and is called once per DOM event.
 */
import type * as Phaser from 'phaser';

/**
 * Calls `handler` once for each keydown in `scene` (only for `key`, a Phaser key name such as
 * 'ESC' or 'M', when given). Returns the function that removes it.
 */
export function onKeyDown(
  scene: Phaser.Scene,
  handler: (event: KeyboardEvent) => void,
  key?: string,
): () => void {
  const keyboard = scene.input.keyboard;
  if (!keyboard) return () => undefined;
  const seen = new WeakSet<KeyboardEvent>();
  const listener = (event: KeyboardEvent): void => {
    if (seen.has(event)) return;
    seen.add(event);
    handler(event);
  };
  const name = key ? `keydown-${key}` : 'keydown';
  keyboard.on(name, listener);
  return () => scene.input?.keyboard?.off(name, listener);
}
