/**
 * The options of the classroom server and what its route modules share. `buildServer` opens the
 * store and reads the catalogue once, starts the live boards and the replay queue, and hands the
 * same context to every module that registers routes, so no module reaches into another's state:
 * a finished replay reaches the boards through `live.notify`, a new submission the queue through
 * `queue.add`.
 */
import type { BucketRule } from './limits.js';
import type { GoalOf } from './board.js';
import type { LiveBoards } from './live.js';
import type { Store } from './store.js';
import type { ReplayQueue } from './submissions.js';
import type { Catalogue } from './version.js';

export interface ServerOptions {
  /** The SQLite file (`:memory:` for a throwaway one). */
  dbFile: string;
  /** The built game (`dist/web`); when missing, `/` says to run `npm run build`. */
  webRoot?: string;
  levelsDir?: string;
  /** The clock (tests move it to before a start or past an end). */
  now?: () => Date;
  /** `threads` needs the compiled worker (dist); `inline` replays in this thread. Default: threads when compiled. */
  replayer?: 'threads' | 'inline';
  poolSize?: number;
  /** Wall-clock cap of one replay. */
  replayTimeMs?: number;
  /** Per IP address and per token; `false` turns rate limiting off. */
  rateLimit?: { ip: BucketRule; token: BucketRule } | false;
  maxStudentsPerClass?: number;
  /** Fastify's logger option. */
  logger?: boolean | { level: string };
  /** How often idle event streams get a comment line (and the board is re-checked for a passed deadline). */
  heartbeatMs?: number;
}

/** What the live boards and the replay queue are built from. */
export interface BaseContext {
  readonly options: ServerOptions;
  readonly store: Store;
  readonly catalogue: Catalogue;
  /** The server's clock (`options.now`, else the real one), and its time as ISO 8601. */
  readonly now: () => Date;
  readonly iso: () => string;
  /** The goal of a level of the catalogue, for ranking its runs. */
  readonly goalOf: GoalOf;
}

/** What every route module is given. */
export interface ServerContext extends BaseContext {
  readonly live: LiveBoards;
  readonly queue: ReplayQueue;
}
