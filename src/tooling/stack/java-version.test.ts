import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseJavaMajorVersion } from './java-version.ts';

test('reads the major version from both version schemes', () => {
  assert.equal(parseJavaMajorVersion('openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment'), 17);
  assert.equal(parseJavaMajorVersion('openjdk version "11.0.2" 2019-01-15'), 11);
  assert.equal(parseJavaMajorVersion('java version "1.8.0_292"'), 8);
  assert.equal(parseJavaMajorVersion('openjdk version "21-ea" 2023-09-19'), 21);
  assert.equal(parseJavaMajorVersion('bash: java: command not found'), undefined);
});
