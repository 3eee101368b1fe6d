/** What OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG ask for, as the OpenTelemetry specification defines them. */
export interface SamplerChoice {
  root: 'always_on' | 'always_off' | 'traceidratio';
  /** Follow the caller's sampling decision when a span has a parent (the parentbased_* samplers). */
  parentBased: boolean;
  /** For traceidratio: the share of new traces recorded, 0 to 1. */
  ratio: number;
  /** Set when a value was not understood and the default was used instead. */
  problem?: string;
}

const byName: Record<string, Omit<SamplerChoice, 'ratio'>> = {
  always_on: { root: 'always_on', parentBased: false },
  always_off: { root: 'always_off', parentBased: false },
  traceidratio: { root: 'traceidratio', parentBased: false },
  parentbased_always_on: { root: 'always_on', parentBased: true },
  parentbased_always_off: { root: 'always_off', parentBased: true },
  parentbased_traceidratio: { root: 'traceidratio', parentBased: true },
};

/**
 * Pure: the sampler the standard variables select; unset means the specification's default,
 * parentbased_always_on. The SDK package this project uses (sdk-trace 3) no longer reads them itself.
 */
export function samplerFromEnv(env: Record<string, string | undefined>): SamplerChoice {
  const name = env.OTEL_TRACES_SAMPLER?.trim().toLowerCase() || 'parentbased_always_on';
  const rawRatio = env.OTEL_TRACES_SAMPLER_ARG?.trim();
  const parsed = rawRatio === undefined || rawRatio === '' ? 1 : Number(rawRatio);
  const ratioOk = Number.isFinite(parsed) && parsed >= 0 && parsed <= 1;
  const chosen = byName[name];
  const problems = [
    chosen === undefined ? `OTEL_TRACES_SAMPLER=${name} is not a known sampler, using parentbased_always_on` : undefined,
    ratioOk ? undefined : `OTEL_TRACES_SAMPLER_ARG=${rawRatio} is not a ratio between 0 and 1, using 1`,
  ].filter((problem) => problem !== undefined);
  return {
    ...(chosen ?? byName.parentbased_always_on!),
    ratio: ratioOk ? parsed : 1,
    ...(problems.length === 0 ? {} : { problem: problems.join('; ') }),
  };
}
