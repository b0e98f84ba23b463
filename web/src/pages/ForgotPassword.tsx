/**
 * Forgot password: ask for a code by email, then set a new password with it.
 * The first step always succeeds (the API does not say whether a login exists).
 */
import { type FormEvent, useState } from 'react';
import { describe } from '../api/problem';
import { confirmForgotPassword, forgotPassword } from '../data/auth';
import { Link, navigate, useLocation } from '../router';
import { ErrorText } from '../ui/Dialog';
import { TextField } from '../ui/Field';
import { NewPasswordFields, readNewPassword } from '../ui/NewPassword';
import { PageShell } from './PageShell';
import { prefilledEmail } from './SignIn';

export function ForgotPasswordPage() {
  const { path, query } = useLocation();
  const [email, setEmail] = useState(() => prefilledEmail(query));
  const [sent, setSent] = useState(path === '/reset-password');
  const [error, setError] = useState<string>();
  const [fieldError, setFieldError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function requestCode(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await forgotPassword(email);
      setSent(true);
    } catch (e) {
      setError(describe(e));
    } finally {
      setBusy(false);
    }
  }

  async function reset(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const chosen = readNewPassword(form);
    if (chosen.problem !== undefined) return setFieldError(chosen.problem);
    const password = chosen.password;
    setFieldError(undefined);
    setBusy(true);
    setError(undefined);
    try {
      await confirmForgotPassword(email, String(form.get('code')).trim(), password);
      navigate(`/sign-in?notice=reset&email=${encodeURIComponent(email)}`, { replace: true });
    } catch (e) {
      setError(describe(e));
    } finally {
      setBusy(false);
    }
  }

  if (!sent) {
    return (
      <PageShell title="Forgot your password?">
        <p>Enter the email you sign in with. If it has a Roster login, we send a code to it.</p>
        <form onSubmit={requestCode}>
          <TextField
            label="Email"
            name="email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
          {error ? <ErrorText>{error}</ErrorText> : null}
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Sending…' : 'Send me a code'}
          </button>
        </form>
        <p>
          <Link href="/sign-in">Back to sign in</Link>
        </p>
      </PageShell>
    );
  }

  return (
    <PageShell title="Reset your password">
      <p className="notice" role="status">
        If {email || 'that address'} has a Roster login, a code is on its way. It can take a minute to arrive.
      </p>
      <form onSubmit={reset}>
        {path === '/reset-password' || !email ? (
          <TextField
            label="Email"
            name="email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        ) : null}
        <TextField label="Code from the email" name="code" autoComplete="one-time-code" inputMode="numeric" required />
        <NewPasswordFields error={fieldError} />
        {error ? <ErrorText>{error}</ErrorText> : null}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : 'Set new password'}
        </button>
      </form>
      <p>
        <button type="button" className="link" onClick={() => setSent(false)}>
          Send a new code
        </button>
      </p>
    </PageShell>
  );
}
