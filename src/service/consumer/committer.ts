import type { Consumer } from '../kafka/client.ts';
import type { Logger } from '../logger.ts';
import type { OffsetTracker } from './offset-tracker.ts';

export interface Committer {
  /** Asks for a commit of whatever became committable; acknowledgements of one burst share it. */
  request(): void;
  /** Waits for the commit under way, then commits what is committable now. */
  flush(): Promise<void>;
}

/**
 * Commits the tracker's committable offsets, one commit at a time, coalescing requests. A failed
 * commit leaves the offsets committable; the next request (the group's timer asks every second)
 * tries again.
 */
export function createCommitter({
  consumer,
  tracker,
  logger,
  isConnected,
  onCommitted,
}: {
  consumer: Pick<Consumer, 'commitOffsets'>;
  tracker: OffsetTracker;
  logger: Logger;
  isConnected: () => boolean;
  onCommitted: () => void;
}): Committer {
  let running: Promise<void> | undefined;
  let wanted = false;

  async function loop(): Promise<void> {
    while (wanted && isConnected()) {
      wanted = false;
      const offsets = tracker.committable();
      if (offsets.length === 0) continue;
      try {
        await consumer.commitOffsets(offsets);
        tracker.markCommitted(offsets);
        onCommitted();
      } catch (error) {
        logger.warn({ err: error }, 'offset commit failed, will retry');
        return;
      }
    }
  }

  function request(): void {
    wanted = true;
    // setImmediate lets the acknowledgements of one burst share a commit.
    running ??= new Promise<void>((resolve) => setImmediate(resolve)).then(loop).finally(() => {
      running = undefined;
      // An acknowledgement that arrived between the loop's last check and here must not wait for the timer.
      if (wanted && isConnected()) request();
    });
  }

  return {
    request,
    async flush() {
      await running;
      request();
      await running;
    },
  };
}
