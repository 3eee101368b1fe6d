import { Command } from 'commander';
import { describeConfig } from '../service/config.ts';
import { runAction } from './run-action.ts';

export function configCommand(): Command {
  return new Command('config').description('print the effective settings as KEY=value lines, secrets masked').action(
    runAction(async (config) => {
      process.stdout.write(`${describeConfig(config).join('\n')}\n`);
    }),
  );
}
