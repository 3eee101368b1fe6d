import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { AppError } from '../../service/errors.ts';
import { answersHttp } from './health-checks.ts';
import type { StackPaths } from './paths.ts';
import { prometheusConfig } from './prometheus-config.ts';
import type { StackProcess } from './stack-process.ts';

const configFile = (paths: StackPaths) => path.join(paths.conf, 'prometheus.yml');
const prometheusBinary = 'prometheus';

export const prometheusUrl = ({ HOST, PROMETHEUS_PORT }: { HOST: string; PROMETHEUS_PORT: number }) => `http://${HOST}:${PROMETHEUS_PORT}`;

/**
 * Prometheus from the Debian package (`make deps` installs it), started by `make up OBSERVE=1` or
 * `make observe`: it scrapes the api-server and the kafka-consumer every 5 s and evaluates the
 * alert rules; its data stays under STACK_DIR/data/prometheus for a week.
 */
export const prometheusProcess: StackProcess = {
  name: 'prometheus',
  optional: true,
  describe: ({ config }) => `Prometheus ${prometheusUrl(config)} (targets /targets, alerts /alerts)`,
  ports: ({ config }) => [config.PROMETHEUS_PORT],
  async prepare({ config, paths }) {
    await promisify(execFile)(prometheusBinary, ['--version']).catch((error: unknown) => {
      throw new AppError('PREREQUISITE_MISSING', 'prometheus not found: apt-get install --no-install-recommends prometheus (make deps does it)', {
        cause: error,
      });
    });
    await mkdir(paths.conf, { recursive: true });
    await writeFile(configFile(paths), await prometheusConfig(config));
  },
  launch: ({ config, paths }) => ({
    command: prometheusBinary,
    args: [
      `--config.file=${configFile(paths)}`,
      `--storage.tsdb.path=${path.join(paths.data, 'prometheus')}`,
      '--storage.tsdb.retention.time=7d',
      `--web.listen-address=${config.HOST}:${config.PROMETHEUS_PORT}`,
    ],
    cwd: paths.root,
  }),
  marker: ({ paths }) => configFile(paths),
  healthy: ({ config }) => answersHttp(`${prometheusUrl(config)}/-/ready`),
  startTimeoutMs: 30_000,
  stopGraceMs: 15_000,
};
