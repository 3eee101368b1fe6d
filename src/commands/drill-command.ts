import { Command, InvalidArgumentError } from 'commander';
import { type DrillFault, drillFaults, runDrill } from '../tooling/drill/run-drill.ts';
import { durationOption } from './outbox-command.ts';
import { runAction } from './run-action.ts';

function faultList(value: string): DrillFault[] {
  const faults = value.split(',').map((fault) => fault.trim());
  const unknown = faults.filter((fault) => !(drillFaults as readonly string[]).includes(fault));
  if (unknown.length > 0 || faults.length === 0) throw new InvalidArgumentError(`expected a comma-separated list of ${drillFaults.join(', ')}`);
  return faults as DrillFault[];
}

function rateOption(value: string): number {
  const rate = Number(value);
  if (!Number.isFinite(rate) || rate <= 0 || rate > 100) throw new InvalidArgumentError('expected registrations per second, above 0 and at most 100');
  return rate;
}

export function drillCommand(): Command {
  return new Command('drill')
    .description(
      'fault drill against the running stack: registrations commit while processes are killed -9 and restarted; exits 1 on a lost or doubled effect or a dead letter',
    )
    .option('--faults <list>', `processes to kill, in order (${drillFaults.join(', ')})`, faultList, [...drillFaults])
    .option('--rate <per-second>', 'registrations committed per second meanwhile', rateOption, 5)
    .option('--settle <duration>', 'how long to wait afterwards for every registration to be SENT', durationOption, 180_000)
    .action(
      runAction(async (config, options: { faults: DrillFault[]; rate: number; settle: number }) => {
        const report = await runDrill(config, { faults: options.faults, rate: options.rate, settleMs: options.settle });
        const lines = [
          '',
          'fault drill',
          ...report.recoveries.map(
            (r) =>
              `  kill -9 ${r.fault.padEnd(15)} recovered in ${(r.recoveredMs / 1000).toFixed(1)} s${r.restarted.length > 0 ? ` (${r.restarted.join(', ')} exited meanwhile and was started again)` : ''}`,
          ),
          `  committed       ${report.committed}`,
          `  SENT            ${report.sent}`,
          `  lost            ${report.lost.length}${report.lost.length > 0 ? ` (${report.lost.slice(0, 5).join(', ')})` : ''}`,
          `  sent twice      ${report.doubleEffects.length}${report.doubleEffects.length > 0 ? ` (${report.doubleEffects.slice(0, 5).join(', ')})` : ''}`,
          ...Object.entries(report.duplicates).map(([topic, n]) => `  duplicates      ${n} on ${topic} (redelivered; the inbox makes them no-ops)`),
          `  dead letters    ${report.deadLetters}`,
          `  verdict         ${report.ok ? 'PASS' : 'FAIL'}`,
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
        return report.ok ? 0 : 1;
      }),
    );
}
