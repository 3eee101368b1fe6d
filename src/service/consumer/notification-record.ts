import { parseRoutedRecord } from '../contract/routed-record.ts';
import type { AppError } from '../errors.ts';
import type { RegistrationNotification } from '../notifications/handle-registration-notification.ts';

/**
 * Reads a UserRegistered record back into what the notification handler needs. Pure; a bad record
 * is an error value, to be dead-lettered.
 */
export function parseRegistrationRecord(value: Buffer | null, headers: Parameters<typeof parseRoutedRecord>[2]): RegistrationNotification | AppError {
  return parseRoutedRecord('UserRegistered', value, headers);
}
