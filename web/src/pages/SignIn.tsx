/**
 * Sign in, and the first-login challenge: when the login must choose a new
 * password, the same page asks for it before the person goes on.
 */
import { type FormEvent, useState } from 'react';
import { ApiProblem, describe } from '../api/problem';
import { answerNewPassword, signIn } from '../data/auth';
import { Link, navigate, useLocation } from '../router';
import { ErrorText } from '../ui/Dialog';
import { TextField } from '../ui/Field';
import { PASSWORD_HINT, PASSWORD_MIN, passwordProblem } from '../ui/rules';
import { PageShell } from './PageShell';

const NOTICES: Record<string, string> = {
  reset: 'Your password was changed. Sign in with your new password.',
  ended: 'Your session has ended. Sign in again.',
  signedout: 'You are signed out.',
};

/** Where to go after signing in: a same-origin path only. */
export function nextPath(query: URLSearchParams): string {
  const next = query.get('next') ?? '';
  return next.startsWith('/') && !next.startsWith('//') ? next : '/users';
}

export function SignInPage() {
  const { query } = useLocation();
  const [email, setEmail] = useState(query.get('email') ?? '');
  const [challenge, setChallenge] = useState<string>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const notice = NOTICES[query.get('notice') ?? ''];

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      const result = await signIn(email, String(form.get('password')));
      if ('challenge' in result) setChallenge(result.session);
      else navigate(nextPath(query), { replace: true });
    } catch (e) {
      setError(
        e instanceof ApiProblem && e.status === 401 ? 'That email and password do not match a login.' : describe(e),
      );
    } finally {
      setBusy(false);
    }
  }

  if (challenge) return <NewPasswordStep email={email} session={challenge} next={nextPath(query)} />;

  return (
    <PageShell title="Sign in to Roster">
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      <form onSubmit={submit} noValidate={false}>
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
        <TextField label="Password" name="password" type="password" autoComplete="current-password" required />
        {error ? <ErrorText>{error}</ErrorText> : null}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p>
        <Link href={`/forgot-password${email ? `?email=${encodeURIComponent(email)}` : ''}`}>
          Forgot your password?
        </Link>
      </p>
    </PageShell>
  );
}

function NewPasswordStep({ email, session, next }: { email: string; session: string; next: string }) {
  const [error, setError] = useState<string>();
  const [fieldError, setFieldError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get('newPassword'));
    const problem = passwordProblem(password);
    if (problem) return setFieldError(problem);
    if (password !== String(form.get('confirm'))) return setFieldError('The two passwords differ.');
    setFieldError(undefined);
    setBusy(true);
    try {
      await answerNewPassword(email, session, password);
      navigate(next, { replace: true });
    } catch (e) {
      setError(describe(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <PageShell title="Choose a new password">
      <p>This is your first sign-in with the password you were given. Choose your own to continue.</p>
      <form onSubmit={submit}>
        <TextField
          label="New password"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          required
          minLength={PASSWORD_MIN}
          hint={PASSWORD_HINT}
          error={fieldError}
        />
        <TextField
          label="Repeat the new password"
          name="confirm"
          type="password"
          autoComplete="new-password"
          required
        />
        {error ? <ErrorText>{error}</ErrorText> : null}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save password and continue'}
        </button>
      </form>
    </PageShell>
  );
}
