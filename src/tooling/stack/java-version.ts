/**
 * The major version in `java -version` output: `openjdk version "17.0.15"` is 17, the old scheme
 * `java version "1.8.0_292"` is 8, an early-access `"21-ea"` is 21.
 */
export function parseJavaMajorVersion(output: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(output);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}
