import assert from 'node:assert/strict';
import { test } from 'node:test';
import { samplerFromEnv } from './sampler-from-env.ts';

test('unset means parentbased_always_on, as the specification says', () => {
  assert.deepEqual(samplerFromEnv({}), { root: 'always_on', parentBased: true, ratio: 1 });
});

test('every standard sampler name, with its ratio', () => {
  assert.deepEqual(samplerFromEnv({ OTEL_TRACES_SAMPLER: 'always_off' }), { root: 'always_off', parentBased: false, ratio: 1 });
  assert.deepEqual(samplerFromEnv({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }), {
    root: 'traceidratio',
    parentBased: true,
    ratio: 0.25,
  });
  assert.equal(samplerFromEnv({ OTEL_TRACES_SAMPLER: 'TraceIdRatio', OTEL_TRACES_SAMPLER_ARG: '0' }).ratio, 0);
});

test('a value it does not understand falls back to the default and says so', () => {
  const unknown = samplerFromEnv({ OTEL_TRACES_SAMPLER: 'jaeger_remote' });
  assert.equal(unknown.root, 'always_on');
  assert.equal(unknown.parentBased, true);
  assert.match(unknown.problem ?? '', /jaeger_remote/);
  const badRatio = samplerFromEnv({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1.5' });
  assert.equal(badRatio.ratio, 1);
  assert.match(badRatio.problem ?? '', /OTEL_TRACES_SAMPLER_ARG=1.5/);
});
