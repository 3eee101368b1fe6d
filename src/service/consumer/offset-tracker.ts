/** A partition's next offset to read, in the shape commitOffsets takes. */
export interface CommittableOffset {
  topic: string;
  partition: number;
  offset: string;
}

/** Handed out per tracked record; acknowledging a receipt of a forgotten partition does nothing. */
export interface Receipt {
  ack(): void;
}

interface PartitionState {
  generation: number;
  // Offsets in consumption order; `head` skips the acknowledged prefix without shifting the array.
  offsets: number[];
  done: Set<number>;
  head: number;
  /** Next offset to read once everything consumed before it is acknowledged; null until then. */
  next: number | null;
  committed: number | null;
}

/**
 * Which offsets may be committed when records finish out of order. A partition's commit point is
 * the offset after the longest acknowledged prefix of what was consumed from it, so a record
 * still in flight (or retrying) holds back the commit of everything after it, and a crash
 * replays from there: at-least-once, never a gap. Offsets need not be contiguous numbers
 * (compaction, transaction markers): only consumption order counts.
 */
export class OffsetTracker {
  #partitions = new Map<string, PartitionState>();
  #generation = 0;

  track(topic: string, partition: number, offset: string): Receipt {
    const value = parseOffset(offset);
    const id = partitionId(topic, partition);
    let state = this.#partitions.get(id);
    const last = state?.offsets.at(-1);
    // Reading an offset again (seek back, reassignment) starts the partition afresh: what was in
    // flight before belongs to a past that the committed offset already covers or will replay.
    if (state === undefined || (last !== undefined && value <= last)) {
      state = { generation: ++this.#generation, offsets: [], done: new Set(), head: 0, next: null, committed: state?.committed ?? null };
      this.#partitions.set(id, state);
    }
    state.offsets.push(value);
    const { generation } = state;
    return { ack: () => this.#ack(id, generation, value) };
  }

  /** Offsets that moved since the last commit. */
  committable(): CommittableOffset[] {
    const result: CommittableOffset[] = [];
    for (const [id, state] of this.#partitions) {
      if (state.next !== null && state.next !== state.committed) {
        const [topic, partition] = splitId(id);
        result.push({ topic, partition, offset: String(state.next) });
      }
    }
    return result;
  }

  markCommitted(offsets: readonly CommittableOffset[]): void {
    for (const { topic, partition, offset } of offsets) {
      const state = this.#partitions.get(partitionId(topic, partition));
      if (state !== undefined) state.committed = Math.max(state.committed ?? -1, parseOffset(offset));
    }
  }

  /** Drops a revoked partition: late acknowledgements for it are ignored from now on. */
  forget(topic: string, partition: number): void {
    this.#partitions.delete(partitionId(topic, partition));
  }

  /** Records consumed but not yet acknowledged, over all partitions. */
  pending(): number {
    let count = 0;
    for (const state of this.#partitions.values()) count += state.offsets.length - state.head - state.done.size;
    return count;
  }

  #ack(id: string, generation: number, offset: number): void {
    const state = this.#partitions.get(id);
    if (state === undefined || state.generation !== generation) return;
    // A second ack of a record already behind the commit point must not linger in `done`.
    if (state.next !== null && offset < state.next) return;
    state.done.add(offset);
    while (state.head < state.offsets.length && state.done.has(state.offsets[state.head]!)) {
      const acknowledged = state.offsets[state.head]!;
      state.done.delete(acknowledged);
      state.next = acknowledged + 1;
      state.head++;
    }
    // Compact once the acknowledged prefix dominates, keeping ack O(1) amortised.
    if (state.head > 1_024 && state.head * 2 > state.offsets.length) {
      state.offsets = state.offsets.slice(state.head);
      state.head = 0;
    }
  }
}

function partitionId(topic: string, partition: number): string {
  return `${partition}\u0000${topic}`;
}

function splitId(id: string): [string, number] {
  const separator = id.indexOf('\u0000');
  return [id.slice(separator + 1), Number(id.slice(0, separator))];
}

function parseOffset(offset: string): number {
  const value = Number(offset);
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a Kafka offset: ${offset}`);
  return value;
}
