import { Command } from 'commander';
import { createDatabase } from '../service/db/database.ts';
import { AppError } from '../service/errors.ts';
import { auditReport } from '../tooling/audit/audit-verdict.ts';
import { formatAudit } from '../tooling/audit/format-audit.ts';
import { gatherAudit } from '../tooling/audit/gather-audit.ts';
import { parseSince } from '../tooling/dlq/dead-letter-selector.ts';
import { runAction } from './run-action.ts';

interface AuditOptions {
  since: string;
  grace: string;
  json?: boolean;
}

export function auditCommand(): Command {
  return new Command('audit')
    .description(
      'did we lose anything? reconciles the outbox rows of a window with the CDC topic, the routed topic, the dead-letter topic and the inbox, per event; exit 0 when every event is accounted for, 1 otherwise. Reads topics without a group, changes nothing',
    )
    .option('--since <when>', 'the window: events created within a duration (90s, 15m, 2h, 7d) or since an ISO-8601 time', '1h')
    .option('--grace <duration>', 'an event younger than this that has not reached a hop yet is in flight, not missing', '60s')
    .option('--json', 'print the report as JSON')
    .action(
      runAction(async (config, options: AuditOptions) => {
        const now = Date.now();
        const sinceMs = parseSince(options.since, now);
        if (!/^\d+[smhd]$/.test(options.grace)) throw new AppError('VALIDATION_FAILED', `--grace takes a duration (30s, 5m), not "${options.grace}"`);
        const graceMs = now - parseSince(options.grace, now);
        const db = createDatabase({ url: config.DATABASE_URL, poolMax: 2 });
        try {
          const facts = await gatherAudit(config, db, sinceMs, (step) => {
            if (options.json !== true) process.stderr.write(`${step}\n`);
          });
          const report = auditReport(facts, { nowMs: now, graceMs, sinceMs });
          process.stdout.write(options.json === true ? `${JSON.stringify(report, null, 2)}\n` : `${formatAudit(report)}\n`);
          return report.ok ? 0 : 1;
        } finally {
          await db.destroy();
        }
      }),
    );
}
