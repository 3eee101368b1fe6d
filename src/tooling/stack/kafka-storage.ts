import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { AppError } from '../../service/errors.ts';
import { progress } from './progress.ts';

const execFileAsync = promisify(execFile);

/**
 * KRaft refuses to start on an unformatted log directory. Formatting happens once: a second
 * format would give the broker a new cluster id, and Connect's topics would no longer match.
 */
export async function formatKafkaStorageOnce(options: {
  java: string;
  classpath: string;
  dataDir: string;
  serverProperties: string;
  /** Every node of one cluster is formatted with the same id; a single node makes up its own. */
  clusterId?: string;
}): Promise<boolean> {
  const { java, classpath, dataDir, serverProperties } = options;
  const formatted = await access(path.join(dataDir, 'meta.properties')).then(
    () => true,
    () => false,
  );
  if (formatted) return false;
  progress(`formatting Kafka storage in ${dataDir} (first run)`);
  try {
    const clusterId =
      options.clusterId ?? (await execFileAsync(java, ['-cp', classpath, 'kafka.tools.StorageTool', 'random-uuid'])).stdout.trim().split('\n').pop();
    if (clusterId === undefined) throw new Error('kafka.tools.StorageTool random-uuid printed nothing');
    await execFileAsync(java, ['-cp', classpath, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', serverProperties]);
    return true;
  } catch (error) {
    const output = (error as { stderr?: string; stdout?: string }).stderr || (error as { stdout?: string }).stdout || String(error);
    throw new AppError('PROCESS_FAILED', `formatting Kafka storage failed: ${output.trim().split('\n').slice(-5).join(' | ')}`, { cause: error });
  }
}
