import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { configSchema, loadConfig } from '../../src/service/config.ts';
import { waitFor } from '../../src/service/wait-for.ts';
import { uniqueEmail } from '../support/database.ts';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url);
const readme = await readFile(new URL('README.md', root), 'utf8');
const makefile = await readFile(new URL('Makefile', root), 'utf8');

function quickStart(): string[] {
  const section = readme.split('## Quick start')[1]?.split('\n## ')[0] ?? '';
  const block = /```bash\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block.split('\n').filter((line) => line.trim() !== '');
}

describe('the README stays in step with the code', () => {
  test('the configuration table lists exactly the variables the config reads', () => {
    const table = readme.split('## Configuration')[1]?.split('\n## ')[0] ?? '';
    const documented = [...table.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((m) => m[1]).sort();
    assert.deepEqual(documented, Object.keys(configSchema.shape).sort());
  });

  test('each documented default is the real default', () => {
    const defaults = configSchema.parse({}) as Record<string, unknown>;
    for (const [, key, value] of readme.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \| `([^`]*)` \|/gm)) assert.equal(value, String(defaults[key!]), key);
  });

  test('every make target the README names exists', () => {
    const targets = new Set([...makefile.matchAll(/^([a-z][a-z-]*):/gm)].map((m) => m[1]));
    const named = new Set([...readme.matchAll(/`make ([a-z-]+)`|^make ([a-z-]+)$/gm)].map((m) => m[1] ?? m[2]));
    assert.ok(named.size >= 8);
    for (const target of named) assert.ok(targets.has(target), `make ${target} is in the README but not in the Makefile`);
  });

  test('every CLI command the README names answers --help', async () => {
    const commands = new Set<string>();
    for (const [, words] of readme.matchAll(/npm run cli -- ([a-z][a-z-]*(?: [a-z|\\-]+)?)/g)) {
      const [command, sub] = words!.split(' ');
      for (const alternative of (sub ?? '').replaceAll('\\', '').split('|')) commands.add(`${command} ${alternative}`.trim());
    }
    assert.ok(commands.size >= 10, [...commands].join(', '));
    for (const command of commands) {
      const args = command.split(' ').filter((word) => !word.startsWith('-') && word !== '');
      await assert.doesNotReject(run(process.execPath, ['src/cli.ts', ...args, '--help'], { cwd: root }), `npm run cli -- ${command}`);
    }
  });
});

describe('the quick start, run as written', () => {
  test('register with the README curl, read the user, then trace says delivered', async () => {
    const lines = quickStart();
    assert.deepEqual(
      lines.filter((line) => line.startsWith('make ')),
      ['make up', 'make test', 'make down'],
    );
    // `make up` already ran (the suite runs inside the stack); `make test` is this very run, on the
    // test stack's own api-server, whose address replaces the README's default one.
    const { HOST, PORT } = loadConfig();
    const onTestStack = (line: string) => line.replaceAll('http://127.0.0.1:5001', `http://${HOST}:${PORT}`);
    const post = onTestStack(lines.find((line) => line.startsWith('curl -s -X POST'))!);
    const email = uniqueEmail('readme');
    const created = await run('bash', ['-c', post.replace('ada@example.com', email)]);
    const { id } = JSON.parse(created.stdout) as { id: string };
    assert.match(id, /^[0-9a-f-]{36}$/);

    const get = onTestStack(lines.find((line) => line.startsWith('curl -s http'))!.replace('<id>', id));
    let user: { email: string; welcomeNotification: { status: string } } | undefined;
    await waitFor(
      async () => {
        user = JSON.parse((await run('bash', ['-c', get])).stdout);
        return user?.welcomeNotification.status === 'SENT';
      },
      { what: 'the welcome notification SENT', timeoutMs: 15_000, intervalMs: 200 },
    );
    assert.equal(user?.email, email);
    assert.equal(user?.welcomeNotification.status, 'SENT');

    const trace = lines.find((line) => line.includes(' trace '))!.replace('<id>', id);
    const { stdout } = await run('bash', ['-c', trace], { cwd: root });
    assert.match(stdout, /verdict\s+DELIVERED/);
    assert.match(stdout, /commit -> SENT \d+ ms/);
    assert.match(stdout, /CDC record\s+p\d+ @\d+/);
  });
});
