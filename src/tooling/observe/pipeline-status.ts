export interface SlotSnapshot {
  name: string;
  active: boolean;
  retainedBytes: number;
  /** pg_replication_slots.wal_status: reserved, extended, unreserved or lost. */
  walStatus?: string | null;
  /** WAL that can still be written before the slot is lost; null when max_slot_wal_keep_size is -1 (unlimited). */
  safeWalBytes?: number | null;
}

/** A snapshot of every moving part; a field is undefined when its part could not be reached. */
export interface PipelineSnapshot {
  database: { reachable: boolean; error?: string };
  connector: { name: string; state: string; tasks: Array<{ id: number; state: string; trace?: string }> } | { name: string; error: string };
  slot: SlotSnapshot | { name: string; error: string };
  /** The database's other logical slots (a test's, a removed connector's): each holds WAL while nobody reads it. */
  otherSlots: Array<{ name: string; active: boolean; retainedBytes: number }>;
  groups: Array<
    | { groupId: string; topic: string; partitions: Array<{ partition: number; committed: number | null; high: number; lag: number }> }
    | { groupId: string; topic: string; error: string }
  >;
  deadLetter: { topic: string; depth: number } | { topic: string; error: string };
}

export interface StatusVerdict {
  healthy: boolean;
  problems: string[];
  warnings: string[];
}

/**
 * Pure: what is wrong in a snapshot. Unhealthy means the pipeline is not moving or will not
 * (a part down, a task failed, a slot nobody reads, WAL piling up); lag and dead letters alone
 * are warnings, since they are normal under load or after an incident already handled.
 */
export function evaluateStatus(snapshot: PipelineSnapshot, { maxSlotLagBytes }: { maxSlotLagBytes: number }): StatusVerdict {
  const problems: string[] = [];
  const warnings: string[] = [];
  if (!snapshot.database.reachable) problems.push(`database unreachable: ${snapshot.database.error ?? ''}`);
  const { connector, slot, deadLetter } = snapshot;
  if ('error' in connector) problems.push(`connector ${connector.name}: ${connector.error}`);
  else {
    if (connector.state !== 'RUNNING') problems.push(`connector ${connector.name} is ${connector.state}`);
    if (connector.tasks.length === 0) problems.push(`connector ${connector.name} has no task`);
    for (const task of connector.tasks.filter((t) => t.state !== 'RUNNING'))
      problems.push(`connector task ${task.id} is ${task.state}${task.trace ? `: ${task.trace.split('\n')[0]}` : ''}`);
  }
  if ('error' in slot) problems.push(`replication slot ${slot.name}: ${slot.error}`);
  else {
    if (!slot.active) problems.push(`replication slot ${slot.name} is inactive: PostgreSQL keeps WAL for it until the connector reads again`);
    if (slot.retainedBytes > maxSlotLagBytes)
      problems.push(`replication slot ${slot.name} holds ${slot.retainedBytes} bytes of WAL (limit ${maxSlotLagBytes})`);
    const risk = walStatusProblem(slot);
    if (risk !== undefined) problems.push(risk);
  }
  for (const other of snapshot.otherSlots.filter((s) => !s.active)) {
    warnings.push(
      `replication slot ${other.name} is inactive and holds ${other.retainedBytes} bytes of WAL, growing while nobody reads it; if no connector needs it: select pg_drop_replication_slot('${other.name}')`,
    );
  }
  for (const group of snapshot.groups) {
    if ('error' in group) problems.push(`group ${group.groupId} on ${group.topic}: ${group.error}`);
    else {
      const lag = group.partitions.reduce((sum, p) => sum + p.lag, 0);
      if (lag > 0) warnings.push(`group ${group.groupId} is ${lag} record(s) behind on ${group.topic}`);
    }
  }
  if ('error' in deadLetter) problems.push(`dead-letter topic ${deadLetter.topic}: ${deadLetter.error}`);
  else if (deadLetter.depth > 0)
    warnings.push(
      `${deadLetter.depth} record(s) on the dead-letter topic ${deadLetter.topic}: inspect with cli events tail ${deadLetter.topic} --from-beginning`,
    );
  return { healthy: problems.length === 0, problems, warnings };
}

/**
 * PostgreSQL's own word on the WAL the slot needs. Anything but `reserved` means the connector is
 * far enough behind that, with max_slot_wal_keep_size, its WAL is (or soon will be) removed.
 */
function walStatusProblem(slot: SlotSnapshot): string | undefined {
  const left = slot.safeWalBytes === null || slot.safeWalBytes === undefined ? '' : ` (${slot.safeWalBytes} bytes left before it is lost)`;
  switch (slot.walStatus) {
    case 'extended':
      return `replication slot ${slot.name} is extended: it holds more WAL than max_wal_size${left}; get the connector reading (connector status, Connect log)`;
    case 'unreserved':
      return `replication slot ${slot.name} is unreserved: max_slot_wal_keep_size is about to remove WAL it needs${left}; get the connector reading now`;
    case 'lost':
      return `replication slot ${slot.name} is lost: the WAL it needs was removed (max_slot_wal_keep_size); stop the connector, drop the slot (select pg_drop_replication_slot('${slot.name}')) and make up: snapshot.mode=when_needed publishes every row still in the outbox again`;
    default:
      return undefined;
  }
}

/** One slot in words: its reader, its lag, and how safe the WAL it needs is. */
export function describeSlotLine(slot: SlotSnapshot): string {
  const safe =
    slot.walStatus === undefined
      ? ''
      : `, wal_status ${slot.walStatus ?? 'unknown'}, safe_wal_size ${slot.safeWalBytes ?? 'unlimited (max_slot_wal_keep_size -1)'}`;
  return `${slot.name} ${slot.active ? 'active' : 'INACTIVE'}, ${slot.retainedBytes} bytes of WAL behind${safe}`;
}

/** The human form: one line per part, then problems and warnings. */
export function formatStatus(snapshot: PipelineSnapshot, verdict: StatusVerdict): string {
  const { connector, slot, deadLetter } = snapshot;
  const lines = [
    `database        ${snapshot.database.reachable ? 'reachable' : `UNREACHABLE ${snapshot.database.error ?? ''}`}`,
    'error' in connector
      ? `connector       ${connector.name}: ${connector.error}`
      : `connector       ${connector.name} ${connector.state}; tasks ${connector.tasks.map((t) => `${t.id}:${t.state}`).join(', ') || 'none'}`,
    'error' in slot ? `slot            ${slot.name}: ${slot.error}` : `slot            ${describeSlotLine(slot)}`,
    ...snapshot.otherSlots.map((other) => `other slot      ${other.name} ${other.active ? 'active' : 'INACTIVE'}, ${other.retainedBytes} bytes of WAL behind`),
    ...snapshot.groups.map((group) =>
      'error' in group
        ? `group           ${group.groupId} on ${group.topic}: ${group.error}`
        : `group           ${group.groupId} on ${group.topic}: lag ${group.partitions.map((p) => `p${p.partition}=${p.lag}`).join(' ')}`,
    ),
    'error' in deadLetter ? `dead letters    ${deadLetter.topic}: ${deadLetter.error}` : `dead letters    ${deadLetter.topic}: ${deadLetter.depth} record(s)`,
    `health          ${verdict.healthy ? 'HEALTHY' : 'UNHEALTHY'}`,
    ...verdict.problems.map((p) => `  problem: ${p}`),
    ...verdict.warnings.map((w) => `  warning: ${w}`),
  ];
  return lines.join('\n');
}
