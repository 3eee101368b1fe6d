import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createConnectClient } from '../../src/service/cdc/connect-client.ts';
import { loadConnectorConfig } from '../../src/service/cdc/connector-config.ts';
import { slotStatus } from '../../src/service/cdc/replication-slot.ts';
import { loadConfig } from '../../src/service/config.ts';
import type { Db } from '../../src/service/db/database.ts';
import { registerUser } from '../../src/service/users/register-user.ts';
import { waitFor } from '../../src/service/wait-for.ts';
import type { TraceFacts, TraceReport } from '../../src/tooling/observe/trace-verdict.ts';
import { testHashPassword } from '../support/app.ts';
import { runCli } from '../support/cli.ts';
import { openTestDatabase, uniqueEmail } from '../support/database.ts';

const config = loadConfig();
const connect = createConnectClient(config.CONNECT_URL);
let db: Db;
let connectorName: string;
let slotName: string;

before(async () => {
  db = await openTestDatabase();
  const connector = await loadConnectorConfig(config);
  connectorName = connector.name;
  slotName = config.SLOT_NAME;
});
after(async () => {
  await db.destroy();
});

async function trace(id: string): Promise<Array<{ facts: TraceFacts; report: TraceReport }>> {
  const { code, stdout, stderr } = await runCli(['trace', id, '--json']);
  assert.equal(code, 0, stderr);
  return JSON.parse(stdout);
}

async function connectorState(): Promise<string | undefined> {
  return (await connect.getStatus(connectorName))?.connector.state;
}

describe('cli trace against the running pipeline', () => {
  test('a registered user is traced to DELIVERED, with a latency for every hop and its trace id', async () => {
    const traceId = randomUUID().replaceAll('-', '');
    const user = await registerUser(
      { db, hashPassword: testHashPassword },
      { email: uniqueEmail('trace'), password: 'correct horse battery', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    );
    const [result] = await waitFor(
      async () => {
        const traced = await trace(user.id);
        return traced[0]?.report.verdict === 'delivered' ? traced : undefined;
      },
      { what: 'the event to be delivered', timeoutMs: 15_000, intervalMs: 100 },
    );
    assert.equal(result!.facts.event.id, user.eventId);
    assert.equal(result!.facts.notification?.status, 'SENT');
    for (const hop of result!.report.hops) assert.equal(typeof hop.ms, 'number', hop.name);
    assert.ok(result!.report.totalMs! >= 0);
    assert.equal(result!.facts.event.traceId, traceId);
    const human = await runCli(['trace', user.eventId]);
    assert.match(human.stdout, /verdict\s+DELIVERED/);
    assert.match(human.stdout, new RegExp(`trace id\\s+${traceId}`));
  });

  test('an event of an unknown type is traced to DEAD-LETTERED with its reason', async () => {
    const eventId = randomUUID();
    await db
      .insertInto('outbox_events')
      .values({ id: eventId, aggregate_type: 'User', aggregate_id: randomUUID(), event_type: 'UserDeleted', payload: '{}' })
      .execute();
    const [result] = await waitFor(
      async () => {
        const traced = await trace(eventId);
        return traced[0]?.report.verdict === 'dead-lettered' ? traced : undefined;
      },
      { what: 'the event to be dead-lettered', timeoutMs: 15_000, intervalMs: 100 },
    );
    assert.equal(result!.facts.deadLetter?.stage, 'route');
    assert.equal(result!.facts.deadLetter?.errorCode, 'UNKNOWN_EVENT_TYPE');
    assert.match(result!.report.reason, /UNKNOWN_EVENT_TYPE/);
  });

  test('an unknown id is a clear error', async () => {
    const { code, stderr } = await runCli(['trace', randomUUID()]);
    assert.equal(code, 1);
    assert.match(stderr, /NOT_FOUND.*no outbox event/);
  });
});

describe('with the connector stopped', () => {
  test('trace says NOT YET CAPTURED with the connector state, status exits 1; both recover after resume', async () => {
    assert.equal((await runCli(['status'])).code, 0, 'the pipeline must be healthy before the test');
    const stop = await fetch(new URL(`/connectors/${connectorName}/stop`, config.CONNECT_URL), { method: 'PUT' });
    assert.ok(stop.ok, `stop answered ${stop.status}`);
    try {
      await waitFor(async () => ((await connectorState()) === 'STOPPED' ? true : undefined), {
        what: 'the connector to stop',
        timeoutMs: 30_000,
        intervalMs: 100,
      });
      // Connect says STOPPED before the task has let go of the slot; until then it may still capture.
      await waitFor(async () => ((await slotStatus(config.DATABASE_URL, slotName))?.active === false ? true : undefined), {
        what: 'the replication slot to be released',
        timeoutMs: 30_000,
        intervalMs: 100,
      });
      const user = await registerUser({ db, hashPassword: testHashPassword }, { email: uniqueEmail('uncaptured'), password: 'correct horse battery' });
      const [result] = await trace(user.id);
      assert.equal(result!.report.verdict, 'not yet captured');
      assert.match(result!.report.reason, /connector STOPPED/);

      const status = await runCli(['status']);
      assert.equal(status.code, 1);
      assert.match(status.stdout, /UNHEALTHY/);
      assert.match(status.stdout, /connector outbox-connector is STOPPED/);
    } finally {
      const resume = await fetch(new URL(`/connectors/${connectorName}/resume`, config.CONNECT_URL), { method: 'PUT' });
      assert.ok(resume.ok, `resume answered ${resume.status}`);
      await waitFor(
        async () => {
          const status = await connect.getStatus(connectorName);
          return status?.connector.state === 'RUNNING' && status.tasks.every((t) => t.state === 'RUNNING') && status.tasks.length > 0 ? true : undefined;
        },
        { what: 'the connector to run again', timeoutMs: 60_000, intervalMs: 100 },
      );
    }
    await waitFor(async () => ((await runCli(['status'])).code === 0 ? true : undefined), {
      what: 'status to be healthy again',
      timeoutMs: 60_000,
      intervalMs: 1_000,
    });
  });
});

test('the outbox rows written while the connector was stopped are all captured after it resumed', async () => {
  const { rows } = await sql<{ id: string }>`select id from outbox_events where payload->>'email' like 'uncaptured-%' order by created_at desc limit 1`.execute(
    db,
  );
  const [result] = await waitFor(
    async () => {
      const traced = await trace(rows[0]!.id);
      return traced[0]?.facts.cdc !== null ? traced : undefined;
    },
    { what: 'the row to be captured', timeoutMs: 30_000, intervalMs: 100 },
  );
  assert.notEqual(result!.report.verdict, 'not yet captured');
});
