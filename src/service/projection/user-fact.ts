import { parseRegistrationRecord } from '../consumer/notification-record.ts';
import { eventHeaders, type Headers, headerText } from '../contract/headers.ts';
import type { AppError } from '../errors.ts';
import { isAppError } from '../errors.ts';

/** What the registrations projection keeps of one notif.user.registration record. */
export interface RegistrationFact {
  eventId: string;
  userId: string;
  email: string;
  registeredAt: string;
  /** When the outbox row committed (the committed-at header): the projection's freshness. */
  committedAt: string | undefined;
}

/** A record of one partition, whichever reader brought it (a group member or the rebuild's reader). */
export interface PositionedRecord {
  offset: number;
  value: Buffer | null;
  headers: Headers | undefined;
}

/**
 * Reads a record with the same parser the notifier uses (one envelope reader, one schema). Pure;
 * a bad record is an error value: the live projector dead-letters it, the rebuild skips it, and
 * both move their position past it.
 */
export function readRegistrationFact(record: PositionedRecord): RegistrationFact | AppError {
  const parsed = parseRegistrationRecord(record.value, record.headers);
  if (isAppError(parsed)) return parsed;
  const committedAt = headerText(record.headers, eventHeaders.committedAt);
  return {
    eventId: parsed.eventId,
    userId: parsed.payload.userId,
    email: parsed.payload.email,
    registeredAt: parsed.payload.registeredAt,
    committedAt: committedAt !== undefined && !Number.isNaN(Date.parse(committedAt)) ? committedAt : undefined,
  };
}
