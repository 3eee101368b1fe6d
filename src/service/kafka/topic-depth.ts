import { AppError } from '../errors.ts';
import type { Producer } from './client.ts';

type Callback<T> = (error: Error | null | undefined, value: T) => void;
type Metadata = { topics: Array<{ name: string; partitions: Array<{ id: number }> }> };
type Watermarks = { lowOffset: number; highOffset: number };
/** The part of the producer's underlying librdkafka client this reads through. */
interface NativeClient {
  getMetadata(options: { timeout: number }, cb: Callback<Metadata>): void;
  queryWatermarkOffsets(topic: string, partition: number, timeout: number, cb: Callback<Watermarks>): void;
}

/**
 * Records kept on a topic (log end minus log start, over its partitions), read over a connected
 * producer's own connections with plain Metadata and ListOffsets requests. Not the admin API: its
 * requests run in a separate handle whose coordinator path can abort the whole process when a
 * broker is lost mid-request (librdkafka's enq_once refcount assertion), and this runs in a
 * long-lived consumer process. One partition at a time: each query holds a libuv thread.
 */
export async function topicDepth(producer: Producer, topic: string, timeoutMs = 3_000): Promise<number> {
  const native = nativeClientOf(producer);
  const metadata = await call<Metadata>((cb) => native.getMetadata({ timeout: timeoutMs }, cb));
  const found = metadata.topics.find((entry) => entry.name === topic);
  if (found === undefined) throw new AppError('KAFKA_UNAVAILABLE', `topic ${topic} is not in the cluster's metadata`);
  let depth = 0;
  for (const { id } of found.partitions) {
    const { lowOffset, highOffset } = await call<Watermarks>((cb) => native.queryWatermarkOffsets(topic, id, timeoutMs, cb));
    depth += Math.max(0, highOffset - lowOffset);
  }
  return depth;
}

function nativeClientOf(producer: Producer): NativeClient {
  // The KafkaJS-style producer exposes its librdkafka client only through this accessor.
  const native = (producer as unknown as { _getInternalClient?: () => NativeClient | null })._getInternalClient?.();
  if (native === null || native === undefined) throw new AppError('KAFKA_UNAVAILABLE', 'the producer is not connected');
  return native;
}

function call<T>(start: (cb: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => start((error, value) => (error ? reject(error) : resolve(value))));
}
