import { z } from 'zod';

export const userAggregateType = 'User';

/**
 * What the welcome notification needs and nothing secret: no password, no hash. A test asserts
 * that the stored payload carries neither.
 */
export const userRegisteredPayload = z.strictObject({
  userId: z.uuid(),
  email: z.email(),
  notificationId: z.uuid(),
  registeredAt: z.iso.datetime({ offset: true }),
});

export type UserRegisteredPayload = z.infer<typeof userRegisteredPayload>;
