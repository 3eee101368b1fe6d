import { z } from '@hono/zod-openapi';

// Unknown fields are rejected (strict object): a typo such as "pasword" must not pass silently.
export const registerUserBodySchema = z
  .strictObject({
    email: z.email().max(254).openapi({ example: 'ada@example.com' }),
    password: z.string().min(8).max(1024).openapi({ example: 'correct horse battery staple', format: 'password' }),
  })
  .openapi('RegisterUser', { description: 'Unknown fields are rejected with 400.' });

export const userIdParamSchema = z.object({
  id: z.uuid().openapi({ param: { name: 'id', in: 'path' }, example: '0b8f5a8e-3c1e-4c52-9f0e-6f7d3b1f2a10' }),
});

export const userCreatedSchema = z
  .object({
    id: z.uuid(),
    email: z.email(),
    createdAt: z.iso.datetime({ offset: true }),
  })
  .openapi('UserCreated');

export const userDetailsSchema = z
  .object({
    id: z.uuid(),
    email: z.email(),
    createdAt: z.iso.datetime({ offset: true }),
    welcomeNotification: z
      .object({
        id: z.uuid(),
        status: z.enum(['PENDING', 'SENT', 'FAILED']).openapi({ description: 'PENDING until the kafka-consumer delivers it' }),
        sentAt: z.iso.datetime({ offset: true }).nullable(),
      })
      .nullable(),
  })
  .openapi('UserDetails');

export const changeEmailBodySchema = z
  .strictObject({
    email: z.email().max(254).openapi({ example: 'ada.lovelace@example.org' }),
  })
  .openapi('ChangeEmail', { description: 'Unknown fields are rejected with 400.' });

export const emailChangedSchema = z
  .object({
    id: z.uuid(),
    email: z.email(),
    version: z
      .number()
      .int()
      .positive()
      .openapi({ description: "the user's version after the change (1: as registered); the UserEmailChanged event carries it" }),
  })
  .openapi('EmailChanged');
