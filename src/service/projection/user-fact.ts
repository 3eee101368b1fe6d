import { eventHeaders, type Headers, headerText } from '../contract/headers.ts';
import { parseRoutedRecord, routedEventType } from '../contract/routed-record.ts';
import type { AppError } from '../errors.ts';
import { isAppError } from '../errors.ts';

interface FactBase {
  eventId: string;
  userId: string;
  /** When the outbox row committed (the committed-at header): the projection's freshness. */
  committedAt: string | undefined;
}

/** A user joined the directory, and the counts of its day and email domain. */
export interface RegistrationFact extends FactBase {
  kind: 'registered';
  email: string;
  registeredAt: string;
}

/** The directory shows the user's new email, if `version` is newer than the one it shows. */
export interface EmailChangeFact extends FactBase {
  kind: 'email-changed';
  email: string;
  version: number;
  changedAt: string;
}

export type UserFact = RegistrationFact | EmailChangeFact;

/** A record of one partition, whichever reader brought it (a group member or the rebuild's reader). */
export interface PositionedRecord {
  offset: number;
  value: Buffer | null;
  headers: Headers | undefined;
}

/**
 * Reads a record of the users' topic with the catalog's schemas (the ones the router used). Pure;
 * a bad record is an error value: the live projector dead-letters it, the rebuild skips it, and
 * both move their position past it. An event type this projection has no use for is `undefined`:
 * passed over, as valid as it is.
 */
export function readUserFact(record: PositionedRecord): UserFact | AppError | undefined {
  const header = headerText(record.headers, eventHeaders.committedAt);
  const committedAt = header !== undefined && !Number.isNaN(Date.parse(header)) ? header : undefined;
  const type = routedEventType(record.headers, 'UserRegistered');
  if (type === 'UserRegistered') {
    const parsed = parseRoutedRecord(type, record.value, record.headers);
    if (isAppError(parsed)) return parsed;
    const { userId, email, registeredAt } = parsed.payload;
    return { kind: 'registered', eventId: parsed.eventId, userId, email, registeredAt, committedAt };
  }
  if (type === 'UserEmailChanged') {
    const parsed = parseRoutedRecord(type, record.value, record.headers);
    if (isAppError(parsed)) return parsed;
    const { userId, email, version, changedAt } = parsed.payload;
    return { kind: 'email-changed', eventId: parsed.eventId, userId, email, version, changedAt, committedAt };
  }
  return undefined;
}
