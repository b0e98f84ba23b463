/**
 * The new-password pair every page that sets a password shows (first-sign-in
 * change, reset with a code, accepting an invitation, My profile): the
 * password with the API's rules as its hint, and its repetition. `readNewPassword`
 * checks a submitted form by the same rules, so the four pages cannot drift.
 */
import { TextField } from './Field';
import { PASSWORD_HINT, PASSWORD_MAX, PASSWORD_MIN, passwordProblem } from './rules';

export const NEW_PASSWORD = 'newPassword';
export const REPEAT_PASSWORD = 'confirm';

export function NewPasswordFields({
  label = 'New password',
  repeatLabel = 'Repeat the new password',
  error,
}: {
  label?: string;
  repeatLabel?: string;
  /** Why the last submission was refused (by readNewPassword or by the API). */
  error?: string;
}) {
  return (
    <>
      <TextField
        label={label}
        name={NEW_PASSWORD}
        type="password"
        autoComplete="new-password"
        required
        minLength={PASSWORD_MIN}
        maxLength={PASSWORD_MAX}
        hint={PASSWORD_HINT}
        error={error}
      />
      <TextField label={repeatLabel} name={REPEAT_PASSWORD} type="password" autoComplete="new-password" required />
    </>
  );
}

/** The new password of a submitted form, or why it cannot be used (`differentFrom`: a password it must not repeat). */
export function readNewPassword(
  form: FormData,
  differentFrom?: string,
): { password: string; problem?: undefined } | { problem: string } {
  const password = String(form.get(NEW_PASSWORD) ?? '');
  const problem = passwordProblem(password);
  if (problem) return { problem };
  if (password !== String(form.get(REPEAT_PASSWORD) ?? '')) return { problem: 'The two passwords differ.' };
  if (differentFrom !== undefined && password === differentFrom) {
    return { problem: 'Choose a password different from the one you were given.' };
  }
  return { password };
}
