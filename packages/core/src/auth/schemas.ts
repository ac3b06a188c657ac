import { z } from 'zod';
import { hasControlCharacters, requiredText, ZBureauCode, ZRole } from '../projects/schemas.ts';

export const ZEmail = z.email({ message: 'must be an email address' }).max(254);
/**
 * The sign-in identifier, canonicalised once and used for everything after (the account lookup and the
 * failure counts): spaces and tabs around it trimmed, full-width forms folded (NFKC), case folded.
 * Control characters inside are refused rather than stripped, so " Admin@Example.jp\t" and
 * "admin@example.jp" are one account and count as one.
 */
export const ZSignInEmail = z
  .string()
  .max(254)
  .transform((s) => s.normalize('NFKC').trim().toLowerCase())
  .refine((s) => !hasControlCharacters(s), 'must not contain control characters');
export const ZLoginRequest = z.strictObject({ email: ZSignInEmail, password: z.string().max(1024) });
export type TLoginRequest = z.infer<typeof ZLoginRequest>;
export const ZPassword = z.string().min(10, 'at least 10 characters').max(1024);

export const ZCreateUserRequest = z.strictObject({
  email: ZEmail,
  displayName: requiredText(100),
  role: ZRole,
  bureauCodes: z.array(ZBureauCode).max(100).default([]),
  password: ZPassword,
});
export type TCreateUserRequest = z.infer<typeof ZCreateUserRequest>;

export const ZUpdateUserRequest = z.strictObject({
  version: z.number().int().min(1),
  displayName: requiredText(100).optional(),
  role: ZRole.optional(),
  bureauCodes: z.array(ZBureauCode).max(100).optional(),
  isActive: z.boolean().optional(),
  password: ZPassword.optional(),
});
export type TUpdateUserRequest = z.infer<typeof ZUpdateUserRequest>;

export const ZCreateBureauRequest = z.strictObject({ code: ZBureauCode, nameJa: requiredText(100), nameEn: requiredText(100) });
export type TCreateBureauRequest = z.infer<typeof ZCreateBureauRequest>;
