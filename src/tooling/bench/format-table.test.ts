import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatCell, formatTable } from './format-table.ts';

test('columns are padded, numbers right-aligned, a rule under the header', () => {
  const table = formatTable(
    ['hop', 'p50'],
    [
      ['commit->dbz', 12.34],
      ['commit->SENT', 120],
    ],
  );
  assert.equal(table, ['hop            p50', '------------  ----', 'commit->dbz   12.3', 'commit->SENT   120'].join('\n'));
});

test('cells are formatted for reading', () => {
  assert.equal(formatCell(12_345.6), '12,346');
  assert.equal(formatCell(3.21456), '3.2');
  assert.equal(formatCell(Number.NaN), '-');
  assert.equal(formatCell(undefined), '-');
  assert.equal(formatCell('yes'), 'yes');
});
