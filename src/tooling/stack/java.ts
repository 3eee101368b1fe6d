import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { AppError } from '../../service/errors.ts';
import { parseJavaMajorVersion } from './java-version.ts';

const execFileAsync = promisify(execFile);

export const minimumJavaVersion = 17;

/** JAVA_HOME wins over PATH, as in Kafka's own start scripts. */
export function javaBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env.JAVA_HOME ? path.join(env.JAVA_HOME, 'bin', 'java') : 'java';
}

/** Kafka 4 and Debezium 3 need Java 17; an older java fails late with a cryptic class-version error. */
export async function checkJava(java = javaBinary()): Promise<number> {
  let output: string;
  try {
    const result = await execFileAsync(java, ['-version']);
    output = `${result.stderr}${result.stdout}`;
  } catch (error) {
    throw new AppError(
      'PREREQUISITE_MISSING',
      `Java ${minimumJavaVersion}+ required: ${java} not found (apt-get install openjdk-17-jre-headless, or set JAVA_HOME)`,
      { cause: error },
    );
  }
  const major = parseJavaMajorVersion(output);
  if (major === undefined || major < minimumJavaVersion) {
    throw new AppError(
      'PREREQUISITE_MISSING',
      `Java ${minimumJavaVersion}+ required: found ${major ?? `an unreadable version (${output.split('\n')[0]})`} at ${java} (install openjdk-17 and set JAVA_HOME)`,
    );
  }
  return major;
}

export async function checkMaven(): Promise<void> {
  try {
    await execFileAsync('mvn', ['-v']);
  } catch (error) {
    throw new AppError('PREREQUISITE_MISSING', 'Maven (mvn) not found: apt-get install maven', { cause: error });
  }
}
