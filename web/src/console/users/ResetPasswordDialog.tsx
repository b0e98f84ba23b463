/** An administrator sets a member's password (they must use it next time; all their sessions end). */
import { type FormEvent, useState } from 'react';
import { describe } from '../../api/problem';
import type { Member } from '../../data/users';
import { Dialog, ErrorText } from '../../ui/Dialog';
import { CheckboxField, TextField } from '../../ui/Field';
import { PASSWORD_HINT, PASSWORD_MIN, passwordProblem } from '../../ui/rules';

export function ResetPasswordDialog({
  member,
  onSubmit,
  onClose,
}: {
  member: Member;
  onSubmit: (password: string, temporary: boolean) => Promise<unknown>;
  onClose: () => void;
}) {
  const [error, setError] = useState<string>();
  const [fieldError, setFieldError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get('password'));
    const weak = passwordProblem(password);
    if (weak) return setFieldError(weak);
    setFieldError(undefined);
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit(password, form.get('temporary') === 'on');
      onClose();
    } catch (e) {
      setError(describe(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog title={`Reset password for ${member.email}`} onClose={onClose} role="alertdialog">
      <p>
        {member.name || member.email} is signed out everywhere and signs in next with the password you set here. Tell
        them the password another way than email.
      </p>
      <form onSubmit={submit}>
        <TextField
          label="New password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={PASSWORD_MIN}
          hint={PASSWORD_HINT}
          error={fieldError}
        />
        <CheckboxField label="Ask them to choose their own at next sign-in" name="temporary" defaultChecked />
        {error ? <ErrorText>{error}</ErrorText> : null}
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="danger" disabled={busy}>
            {busy ? 'Resetting…' : 'Reset password'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
