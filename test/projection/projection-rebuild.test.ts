import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import type { Db } from '../../src/service/db/database.ts';
import { projectionChecksum } from '../../src/service/projection/projection-checksum.ts';
import { cloneProjectionSchema, dropProjectionSchema, schemaExists } from '../../src/service/projection/projection-schema.ts';
import { shadowSchemaOf } from '../../src/service/projection/rebuild-registrations.ts';
import { changeUserEmail } from '../../src/service/users/change-user-email.ts';
import { waitFor } from '../../src/service/wait-for.ts';
import {
  type ConsumerProcess,
  type ConsumerTestEnv,
  cleanupConsumerEnv,
  insertRegistration,
  prepareConsumerEnv,
  readWholeTopic,
  startConsumerProcess,
  startReadyConsumer,
  stopConsumerProcess,
  withAdmin,
} from '../consumer/consumer-support.ts';
import { runCli } from '../support/cli.ts';
import { openTestDatabase } from '../support/database.ts';
import { domainCount, emailAt, recordsApplied, uniqueDomain } from './projection-support.ts';

const root = new URL('../../', import.meta.url);

/**
 * Two projections of one topic: the served one (rebuilt by the test) and a witness fed by a second
 * projector of its own group that nothing rebuilds. Equal checksums once both have read the whole
 * topic mean the rebuild produced what the live projector produces.
 */
describe('cli projection rebuild registrations', () => {
  let db: Db;
  let testEnv: ConsumerTestEnv;
  let witnessSchema: string;
  const processes: ConsumerProcess[] = [];
  const children: ChildProcess[] = [];

  before(async () => {
    db = await openTestDatabase();
    testEnv = await prepareConsumerEnv('rebuild');
    witnessSchema = `${testEnv.projectionSchema.slice(0, 32)}_witness`;
    await cloneProjectionSchema(db, 'read_model', witnessSchema);
  });

  after(async () => {
    for (const child of children) child.kill('SIGKILL');
    for (const consumer of processes) await stopConsumerProcess(consumer);
    if (testEnv !== undefined) {
      await withAdmin((admin) => admin.deleteGroups([`${testEnv.projectorGroup}-witness`]).catch(() => {}));
      await cleanupConsumerEnv(testEnv);
      await dropProjectionSchema(db, shadowSchemaOf(testEnv.projectionSchema));
    }
    await dropProjectionSchema(db, witnessSchema);
    await db?.destroy();
  });

  it('survives a SIGKILL mid-rebuild, resumes, and swaps in a projection identical to the live one while registrations flow', async () => {
    const domain = uniqueDomain('rebuild');
    const schema = testEnv.projectionSchema;
    processes.push(await startReadyConsumer(testEnv));
    const witness = startConsumerProcess(testEnv, { PROJECTOR_GROUP_ID: `${testEnv.projectorGroup}-witness`, PROJECTION_SCHEMA: witnessSchema }, [
      '--only',
      'projector',
    ]);
    processes.push(witness);
    await witness.waitForLog('witness projector ready', (line) => line.msg === 'kafka-consumer ready');

    let written = 0;
    // Some users change their email (twice): the rebuilt directory must show the same current emails.
    const register = async (changes: number) => {
      const { userId } = await insertRegistration(db, { domain });
      for (let change = 0; change < changes; change++) await changeUserEmail({ db }, { userId, email: emailAt(domain, `changed${change}`) });
    };
    for (; written < 200; written++) await register(written % 4 === 0 ? 2 : 0);
    await waitFor(async () => (await domainCount(db, schema, domain)) === written, {
      what: 'the first registrations projected',
      timeoutMs: 60_000,
      intervalMs: 100,
    });

    // Registrations keep coming during both rebuild runs and the swap.
    let flowing = true;
    const flow = (async () => {
      while (flowing) {
        await register(written % 2);
        written++;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    // A slow first run, killed once it has applied something to its shadow.
    const rebuildEnv = { ...testEnv.env, LOG_LEVEL: 'warn' };
    const slow = spawn(process.execPath, ['src/cli.ts', 'projection', 'rebuild', 'registrations', '--max-rate', '40', '--batch-size', '20'], {
      cwd: root,
      env: { ...process.env, ...rebuildEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(slow);
    const progressLines: string[] = [];
    createInterface({ input: slow.stderr! }).on('line', (line) => progressLines.push(line));
    await waitFor(async () => progressLines.some((line) => /rebuild registrations: [1-9]\d* records applied, \d+ to go, \d+\/s, ETA/.test(line)) || undefined, {
      what: 'the first rebuild to report progress',
      timeoutMs: 60_000,
      intervalMs: 100,
      hint: () => progressLines.join('\n'),
    });
    const servedBefore = await domainCount(db, schema, domain);
    slow.kill('SIGKILL');
    await new Promise((resolve) => slow.once('close', resolve));

    // The served projection is untouched and still fed; the shadow waits for a rerun.
    assert.ok(await schemaExists(db, shadowSchemaOf(schema)), 'the interrupted shadow is kept');
    await waitFor(async () => (await domainCount(db, schema, domain)) > servedBefore, {
      what: 'the live projector to go on',
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    const status = await runCli(['projection', 'status', '--json'], { env: rebuildEnv });
    assert.equal(status.code, 0, status.stderr);
    assert.notEqual((JSON.parse(status.stdout) as { rebuild: unknown }).rebuild, null);

    const rerun = await runCli(['projection', 'rebuild', 'registrations'], { env: rebuildEnv, timeoutMs: 120_000 });
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.match(rerun.stdout, /\(resumed\)/);
    assert.match(rerun.stdout, /live before the swap: identical/);
    assert.equal(await schemaExists(db, shadowSchemaOf(schema)), false, 'the shadow is dropped after the swap');

    flowing = false;
    await flow;
    const records = (await readWholeTopic(testEnv.notifTopic)).length;
    for (const projection of [schema, witnessSchema]) {
      await waitFor(async () => (await recordsApplied(db, projection, testEnv.notifTopic)) >= records, {
        what: `${projection} to read all ${records} records`,
        timeoutMs: 60_000,
        intervalMs: 100,
      });
      assert.equal(await recordsApplied(db, projection, testEnv.notifTopic), records, `${projection}: each record applied once`);
    }
    assert.equal(await domainCount(db, schema, domain), written, 'every registration counted once');
    assert.equal(await projectionChecksum(db, schema), await projectionChecksum(db, witnessSchema), 'rebuilt and live projections are identical');
  });

  it('refuses, leaving the served projection alone, when retention deleted part of the history', async () => {
    const schema = testEnv.projectionSchema;
    const before = await projectionChecksum(db, schema);
    await withAdmin(async (admin) => {
      const offsets = await admin.fetchTopicOffsets(testEnv.notifTopic);
      await admin.deleteTopicRecords({ topic: testEnv.notifTopic, partitions: offsets.map(({ partition, high }) => ({ partition, offset: String(high) })) });
    });
    const result = await runCli(['projection', 'rebuild', 'registrations'], { env: { ...testEnv.env, LOG_LEVEL: 'warn' } });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /PREREQUISITE_MISSING.*history was deleted by retention \(partition \d+: offsets 0\.\.\d+/);
    assert.match(result.stderr, /retention\.ms=-1/);
    assert.equal(await projectionChecksum(db, schema), before, 'the served projection is untouched');
    assert.equal(await schemaExists(db, shadowSchemaOf(schema)), false, 'no shadow is started');
  });

  it('refuses clearly when a wrong projection is named', async () => {
    const result = await runCli(['projection', 'rebuild', 'orders'], { env: testEnv.env });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /Allowed choices are registrations/);
  });
});
