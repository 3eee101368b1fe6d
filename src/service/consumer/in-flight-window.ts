/**
 * Bounds the records being processed at once and keeps records of one key in order.
 *
 * Records of different keys run concurrently (that is the throughput: no awaited send per
 * message). Records of the same key run one after the other, each starting when the previous
 * one settled, so a retried failure can never be overtaken by a later event of the same
 * aggregate: per-aggregate order survives failures, not only the happy path.
 */
export class InFlightWindow {
  readonly limit: number;
  #size = 0;
  #tails = new Map<string, Promise<void>>();
  #waitingForSlot: Array<() => void> = [];
  #waitingForIdle: Array<() => void> = [];

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`window limit must be a positive integer, got ${limit}`);
    this.limit = limit;
  }

  get size(): number {
    return this.#size;
  }

  /**
   * Resolves once the task is admitted (a slot was free); the task itself runs in the
   * background. The task must not reject: failures are the task's own business.
   */
  async submit(key: string | null, task: () => Promise<void>): Promise<void> {
    while (this.#size >= this.limit) await new Promise<void>((resolve) => this.#waitingForSlot.push(resolve));
    this.#size++;
    const previous = key === null ? undefined : this.#tails.get(key);
    const run = (previous ?? Promise.resolve()).then(task).catch(() => {});
    const settled: Promise<void> = run.then((): void => this.#release(key, settled));
    if (key !== null) this.#tails.set(key, settled);
  }

  /** Resolves when nothing is in flight. */
  async idle(): Promise<void> {
    if (this.#size === 0) return;
    await new Promise<void>((resolve) => this.#waitingForIdle.push(resolve));
  }

  #release(key: string | null, settled: Promise<void>): void {
    this.#size--;
    if (key !== null && this.#tails.get(key) === settled) this.#tails.delete(key);
    this.#waitingForSlot.shift()?.();
    if (this.#size === 0) for (const resolve of this.#waitingForIdle.splice(0)) resolve();
  }
}
