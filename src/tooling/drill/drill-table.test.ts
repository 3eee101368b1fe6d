import assert from 'node:assert/strict';
import { test } from 'node:test';
import { drillTable } from './drill-table.ts';

test('the table gives per fault its recovery, its longest commit -> SENT and the attempts it met, then the totals', () => {
  const lines = drillTable({
    committed: 12,
    sent: 12,
    lost: [],
    doubleEffects: [],
    duplicates: { 'dbz.public.outbox_events': 2 },
    deadLetters: 0,
    ok: true,
    refused: 3,
    inbox: { 'notification-sender': 12 },
    faults: [
      {
        fault: 'postgres',
        action: 'restart -m immediate PostgreSQL',
        target: 'cluster 15/dev',
        note: 'PostgreSQL answered again after 2.1 s',
        recoveredMs: 6_400,
        latency: { inFlight: 4, longestMs: 5_950, unsent: 0 },
        committed: 2,
        refused: 3,
        restarted: [],
      },
    ],
  });
  const text = lines.join('\n');
  assert.match(text, /fault\s+recovered in\s+longest commit->SENT\s+in flight\s+committed\s+refused\s+unsent\n/);
  assert.match(text, /postgres\s+6\.4 s\s+6\.0 s\s+4\s+2\s+3\s+0\n/);
  assert.match(text, /postgres: restart -m immediate PostgreSQL \(cluster 15\/dev\); PostgreSQL answered again after 2\.1 s/);
  assert.match(text, /refused {9}3 \(attempts that did not commit/);
  assert.match(text, /inbox rows {6}12 notification-sender/);
  assert.match(text, /verdict {9}PASS/);
});
