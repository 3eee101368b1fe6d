import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../service/errors.ts';
import { debeziumDir } from '../../service/project-paths.ts';
import { checkMaven } from './java.ts';
import { displayPath, type StackPaths } from './paths.ts';
import { progress } from './progress.ts';

const pomFile = path.join(debeziumDir, 'pom.xml');
const stampName = '.pom-sha256';

async function pomHash(): Promise<string> {
  return createHash('sha256')
    .update(await readFile(pomFile))
    .digest('hex');
}

/** True when the jars folder was filled from the current pom.xml. */
export async function jarsAreCurrent(paths: StackPaths): Promise<boolean> {
  const stamp = await readFile(path.join(paths.jars, stampName), 'utf8').catch(() => undefined);
  return stamp?.trim() === (await pomHash());
}

/**
 * Copies the broker, Connect and Debezium jars into STACK_DIR/jars with Maven, unless they already
 * match pom.xml. The folder is emptied first: two versions of one library on a classpath is a
 * NoSuchMethodError waiting to happen. Maven's chatter goes to a log; the terminal gets a line
 * every few seconds, because the first run downloads ~60 MB.
 */
export async function ensureJars(paths: StackPaths): Promise<'present' | 'resolved'> {
  if (await jarsAreCurrent(paths)) return 'present';
  await checkMaven();
  await rm(paths.jars, { recursive: true, force: true });
  await mkdir(paths.jars, { recursive: true });
  await mkdir(paths.logs, { recursive: true });
  const logFile = path.join(paths.logs, 'maven.log');
  progress(`resolving Kafka and Debezium jars with Maven into ${displayPath(paths.jars)} (first run downloads ~60 MB; log: ${displayPath(logFile)})`);
  const log = createWriteStream(logFile);
  const child = spawn('mvn', ['-B', '-f', pomFile, 'dependency:copy-dependencies', `-DoutputDirectory=${paths.jars}`, '-DincludeScope=runtime'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let downloaded = 0;
  const count = (chunk: Buffer) => {
    downloaded += chunk.toString().match(/^Downloaded from/gm)?.length ?? 0;
  };
  child.stdout.on('data', count);
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const ticker = setInterval(() => progress(`  still resolving: ${downloaded} files downloaded so far`), 5_000);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  }).finally(() => clearInterval(ticker));
  if (code !== 0) {
    throw new AppError(
      'PREREQUISITE_MISSING',
      `mvn failed (exit ${code}) resolving debezium/pom.xml: see ${displayPath(logFile)}; Maven Central must be reachable`,
    );
  }
  const jars = (await readdir(paths.jars)).filter((name) => name.endsWith('.jar'));
  await writeFile(path.join(paths.jars, stampName), `${await pomHash()}\n`);
  progress(`resolved ${jars.length} jars (${downloaded} files downloaded)`);
  return 'resolved';
}
