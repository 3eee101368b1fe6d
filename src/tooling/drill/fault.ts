import type { Config } from '../../service/config.ts';
import type { Db } from '../../service/db/database.ts';
import type { StackContext } from '../stack/stack-process.ts';
import type { StackTopology, TopologyName } from '../stack/stack-topology.ts';
import type { SenderLog } from './drill-evidence.ts';
import type { DrillWriter } from './drill-writer.ts';

/** What every fault is given: the stack, a database handle of the drill's own, and the running writer. */
export interface DrillRun {
  config: Config;
  context: StackContext;
  db: Db;
  writer: DrillWriter;
  /** Logs whose "notification sent" lines count as sends; a fault that starts a sender of its own adds its log. */
  senderLogs: SenderLog[];
  /** What `make up` started: the single processes, or the cluster's. */
  topology: StackTopology;
}

/** What a fault did, for the report: when it struck and to what. */
export interface Injection {
  at: number;
  /** E.g. `pid 4242`. */
  target: string;
  /** The stack process it killed: nobody restarts it until the fault's own restore. */
  killed?: string;
}

/** What `restore` says back: recovery is timed from `recoveryFrom` (default: the injection), `note` goes to the report. */
export interface Restored {
  recoveryFrom?: number;
  note?: string;
}

/**
 * One fault of the drill. The drill injects it, lets it restore what it broke, then waits until a
 * registration committed after the fault is SENT: that wait is the fault's recovery time.
 */
export interface Fault {
  readonly name: string;
  /** The fault in the report's words, e.g. `kill -9 connect`. */
  readonly action: string;
  /** What its recovery time measures, for `--help` and the README. */
  readonly measures: string;
  /** The topology it strikes (default single); a drill without --faults injects every fault of the running one. */
  readonly topology?: TopologyName;
  /**
   * The flow must come back with the fault still in place (another node, worker or instance takes
   * over): the recovery is timed first, and only then is the killed process started again.
   */
  readonly recoversUnrestored?: boolean;
  /** Throws an AppError naming why and what to do when the fault cannot be injected on this stack; called for every fault before the first is injected. */
  check?(run: Omit<DrillRun, 'writer' | 'senderLogs'>): Promise<void>;
  inject(run: DrillRun): Promise<Injection>;
  /** Brings back what `inject` broke (a restart, a resume), no more: the services must do the rest by themselves. */
  restore(run: DrillRun, injection: Injection): Promise<Restored | undefined>;
}
