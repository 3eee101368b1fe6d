/**
 * Durations as operators write them in settings and flags: `0`, `90s`, `15m`, `12h`, `7d`, `2w`.
 * Hand-written rather than the `ms` package: that one also reads "1.5 years" and answers undefined
 * for what it does not know, where a retention setting must be exact and refuse anything else.
 */
const unitMs = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

export const durationPattern = /^(\d+)(ms|s|m|h|d|w)?$/;

export const durationHint = 'a duration such as 0, 90s, 15m, 12h, 7d or 2w (a bare number is milliseconds)';

/** Milliseconds, or undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = durationPattern.exec(text.trim());
  if (match === null) return undefined;
  const value = Number(match[1]) * unitMs[(match[2] ?? 'ms') as keyof typeof unitMs];
  return Number.isSafeInteger(value) ? value : undefined;
}

/** The short human form, for reports: 604800000 -> 7d, 5400000 -> 90m. */
export function formatDuration(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) if (ms !== 0 && ms % unitMs[unit] === 0) return `${ms / unitMs[unit]}${unit}`;
  return `${ms}ms`;
}
