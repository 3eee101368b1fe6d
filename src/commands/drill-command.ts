import { Command, InvalidArgumentError, Option } from 'commander';
import { drillTable } from '../tooling/drill/drill-table.ts';
import type { Fault } from '../tooling/drill/fault.ts';
import { drillFaultNames, drillFaults, faultsOf, findFault } from '../tooling/drill/fault-registry.ts';
import { runDrill } from '../tooling/drill/run-drill.ts';
import { durationOption } from './outbox-command.ts';
import { runAction } from './run-action.ts';

function faultList(value: string): Fault[] {
  const names = value.split(',').map((fault) => fault.trim());
  const faults = names.map(findFault);
  if (names.length === 0 || faults.some((fault) => fault === undefined))
    throw new InvalidArgumentError(`expected a comma-separated list of ${drillFaultNames.join(', ')}`);
  return faults as Fault[];
}

function rateOption(value: string): number {
  const rate = Number(value);
  if (!Number.isFinite(rate) || rate <= 0 || rate > 100) throw new InvalidArgumentError('expected registrations per second, above 0 and at most 100');
  return rate;
}

export function drillCommand(): Command {
  return new Command('drill')
    .description(
      'fault drill against the running stack: registrations commit while each fault strikes and is restored; reports per fault the recovery time and the longest commit -> SENT; exits 1 on a lost or doubled effect or a dead letter',
    )
    .addOption(
      new Option('--faults <list>', 'faults to inject, in order (each described below)').argParser(faultList).default(
        undefined,
        `those of the running topology: ${faultsOf('single')
          .map((f) => f.name)
          .join(',')}, or with make up CLUSTER=1 ${faultsOf('cluster')
          .map((f) => f.name)
          .join(',')}`,
      ),
    )
    .option('--rate <per-second>', 'registrations attempted per second meanwhile', rateOption, 5)
    .option('--settle <duration>', 'how long to wait afterwards for every registration to be SENT', durationOption, 180_000)
    .addHelpText(
      'after',
      `\nFaults, and what each one's recovery time measures:\n${drillFaults.map((f) => `  ${f.name.padEnd(18)}${f.action}; ${f.measures}`).join('\n')}\n`,
    )
    .action(
      runAction(async (config, options: { faults?: Fault[]; rate: number; settle: number }) => {
        const report = await runDrill(config, { faults: options.faults, rate: options.rate, settleMs: options.settle });
        process.stdout.write(`${drillTable(report).join('\n')}\n`);
        return report.ok ? 0 : 1;
      }),
    );
}
