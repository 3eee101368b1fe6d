import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderTemplate } from './render-template.ts';

test('fills every placeholder and refuses a missing value', () => {
  assert.equal(renderTemplate('log.dirs={{DATA_DIR}}\nx={{DATA_DIR}}', { DATA_DIR: '/s/data' }), 'log.dirs=/s/data\nx=/s/data');
  assert.throws(() => renderTemplate('a={{MISSING}}', {}), /no value for placeholder \{\{MISSING\}\}/);
});
