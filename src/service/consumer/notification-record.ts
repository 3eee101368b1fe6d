import { z } from 'zod';
import { userRegisteredPayload } from '../contract/events.ts';
import { eventHeaders, type Headers, headerText } from '../contract/headers.ts';
import { AppError } from '../errors.ts';
import type { RegistrationNotification } from '../notifications/handle-registration-notification.ts';

const eventId = z.uuid();

/**
 * Reads a notif.user.registration record back into what the handler needs: the event id from
 * its header (the inbox key) and the payload checked against the same schema the router used.
 * Pure; a bad record is an error value, to be dead-lettered.
 */
export function parseRegistrationRecord(value: Buffer | null, headers: Headers | undefined): RegistrationNotification | AppError {
  const id = eventId.safeParse(headerText(headers, eventHeaders.eventId));
  if (!id.success) return new AppError('MALFORMED_RECORD', `record has no valid ${eventHeaders.eventId} header`, { retryable: false });
  if (value === null) return new AppError('MALFORMED_RECORD', 'record has no value', { retryable: false });
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch {
    return new AppError('MALFORMED_RECORD', 'record value is not JSON', { retryable: false });
  }
  const payload = userRegisteredPayload.safeParse(json);
  if (!payload.success) {
    return new AppError('INVALID_PAYLOAD', `UserRegistered payload does not match its schema: ${payload.error.issues[0]?.path.join('.') ?? ''}`, {
      retryable: false,
      details: payload.error.issues,
    });
  }
  return { eventId: id.data, payload: payload.data };
}
