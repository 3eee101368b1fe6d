import type { AppError } from '../errors.ts';

/** The database refused an email because another user has it, whatever its case (users_email_lower_key). */
export function emailTaken(error: AppError): boolean {
  return error.code === 'UNIQUE_VIOLATION' && (error.details as { constraint?: string } | undefined)?.constraint === 'users_email_lower_key';
}
