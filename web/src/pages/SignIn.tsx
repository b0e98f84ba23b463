/**
 * Sign in, and its further steps on the same page: the code from the
 * authenticator app when the login has two-factor authentication, and a new
 * password when the login must choose one, before the person goes on.
 */
import { type FormEvent, useEffect, useState } from 'react';
import { refreshSession } from '../api/client';
import { ApiProblem, describe } from '../api/problem';
import { answerNewPassword, confirmSsoLink, discoverSso, type SsoDiscovery, signIn } from '../data/auth';
import { answerMfaChallenge } from '../data/mfa';
import { Link, navigate, useLocation } from '../router';
import { ErrorText } from '../ui/Dialog';
import { TextField } from '../ui/Field';
import { NewPasswordFields, readNewPassword } from '../ui/NewPassword';
import { PageShell } from './PageShell';

/** The query is the visitor's to write: a Map, so `notice=__proto__` or `constructor` finds nothing. */
const NOTICES: ReadonlyMap<string, string> = new Map([
  ['reset', 'Your password was changed. Sign in with your new password.'],
  ['ended', 'Your session has ended. Sign in again.'],
  ['signedout', 'You are signed out.'],
  ['email', 'Your email was changed. Sign in with your new address.'],
  ['sso', 'Single sign-on did not complete. Try again, or ask your administrator.'],
]);

/** Why single sign-on was refused (the callback's `?sso=failed&reason=…`), in words. A Map, as above. */
const SSO_REASONS: ReadonlyMap<string, string> = new Map([
  [
    'domain',
    'Your identity provider signed you in with an email outside the domains your organisation verified with Roster. Ask your administrator.',
  ],
  ['not-member', 'You have no active membership of this organisation in Roster. Ask its administrator.'],
  ['expired', 'That single sign-on took too long or was already used. Continue with SSO again.'],
  ['idp', 'Your identity provider did not sign you in. Try again, or ask your administrator.'],
  ['unavailable', 'Single sign-on for this organisation is not available right now. Ask your administrator.'],
  [
    'bound',
    'Your Roster login is already linked to another account at this identity provider. Ask your administrator.',
  ],
]);

export function noticeText(query: URLSearchParams): string | undefined {
  if (query.get('sso') === 'failed') {
    return (
      SSO_REASONS.get(query.get('reason') ?? '') ??
      'Single sign-on did not complete. Try again, or ask your administrator.'
    );
  }
  return NOTICES.get(query.get('notice') ?? '');
}

/** The pending link's token from the fragment (`#link=…`): never sent to a server, removed from the address bar. */
function takeLinkToken(): string | undefined {
  const hash = globalThis.location?.hash ?? '';
  const token = new URLSearchParams(hash.slice(1)).get('link') ?? '';
  if (!/^[A-Za-z0-9_-]{32,256}$/.test(token)) return undefined;
  globalThis.history?.replaceState(
    globalThis.history.state,
    '',
    `${globalThis.location.pathname}${globalThis.location.search}`,
  );
  return token;
}

/**
 * Where to go after signing in: a path of this origin only. Resolved as the
 * browser would (`/\\evil.example` is another host to it), then kept as path,
 * query and hash; anything else, or anything too long, goes to the users screen.
 */
export function nextPath(query: URLSearchParams, origin = globalThis.location?.origin ?? 'http://page'): string {
  const next = query.get('next') ?? '';
  if (!next.startsWith('/') || next.length > 2000) return '/users';
  try {
    const url = new URL(next, origin);
    if (url.origin !== origin) return '/users';
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return '/users';
  }
}

/** The address a query pre-fills: only something shaped like one, else nothing. */
export function prefilledEmail(query: URLSearchParams): string {
  const email = query.get('email') ?? '';
  return email.length <= 254 && /^[^\s@<>]+@[^\s@<>]+$/.test(email) ? email : '';
}

export function SignInPage() {
  const { query } = useLocation();
  const [email, setEmail] = useState(() => prefilledEmail(query));
  const [challenge, setChallenge] = useState<{ session: string; reason?: string; given: string }>();
  const [mfa, setMfa] = useState<{ session: string; given: string }>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const notice = noticeText(query);
  const [sso, setSso] = useState<SsoDiscovery['sso']>();
  const ssoDone = query.get('sso') === 'done';
  const [linkToken] = useState(() => (query.get('sso') === 'link' ? takeLinkToken() : undefined));

  // Back from the IdP: the callback set the session cookie; resume it as a new tab does.
  useEffect(() => {
    if (!ssoDone) return;
    void refreshSession().then((resumed) => {
      if (resumed) navigate(nextPath(query), { replace: true });
      else navigate('/sign-in?notice=sso', { replace: true });
    });
  }, [ssoDone, query]);

  /** "Continue with SSO": the email's domain names its IdP; one connection goes straight there. */
  async function continueWithSso() {
    setError(undefined);
    if (!/^[^\s@<>]+@[^\s@<>]+$/.test(email)) return setError('Enter your work email first.');
    setBusy(true);
    try {
      const found = await discoverSso(email);
      if (found.sso.length === 0) setError('Single sign-on is not set up for this email’s domain. Use your password.');
      else if (found.sso.length === 1) globalThis.location.assign((found.sso[0] as { startUrl: string }).startUrl);
      else setSso(found.sso);
    } catch (e) {
      setError(describe(e));
    } finally {
      setBusy(false);
    }
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(undefined);
    try {
      const given = String(form.get('password'));
      const result = await signIn(email, given);
      if (!('challenge' in result)) navigate(nextPath(query), { replace: true });
      else if (result.challenge === 'SOFTWARE_TOKEN_MFA') setMfa({ session: result.session, given });
      else setChallenge({ session: result.session, reason: result.reason, given });
    } catch (e) {
      setError(
        e instanceof ApiProblem && e.status === 401 ? 'That email and password do not match a login.' : describe(e),
      );
    } finally {
      setBusy(false);
    }
  }

  if (ssoDone) {
    return (
      <PageShell title="Signing you in">
        <p role="status">Finishing single sign-on…</p>
      </PageShell>
    );
  }
  if (linkToken) return <LinkStep linkToken={linkToken} next={nextPath(query)} />;
  if (challenge) return <NewPasswordStep email={email} challenge={challenge} next={nextPath(query)} />;
  if (mfa) {
    return (
      <MfaStep
        email={email}
        session={mfa.session}
        next={nextPath(query)}
        onNewPassword={(session, reason) => setChallenge({ session, reason, given: mfa.given })}
        onRestart={() => setMfa(undefined)}
      />
    );
  }

  return (
    <PageShell title="Sign in to Roster">
      {query.get('sso') === 'link' && !linkToken ? (
        <p className="notice" role="status">
          That confirmation link is no longer here. Continue with SSO again.
        </p>
      ) : null}
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
        <button type="button" onClick={continueWithSso} disabled={busy}>
          Continue with SSO
        </button>
      </form>
      {sso ? (
        <nav aria-label="Single sign-on">
          <p>Choose how to sign in:</p>
          <ul>
            {sso.map((option) => (
              <li key={option.connectionId}>
                <a href={option.startUrl}>Continue with {option.name}</a>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      <p>
        <Link href={`/forgot-password${email ? `?email=${encodeURIComponent(email)}` : ''}`}>
          Forgot your password?
        </Link>
      </p>
    </PageShell>
  );
}

/** What happened, in the person's words: an admin's reset, or the first sign-in with a password they were given. */
export function challengeReason(reason: string | undefined): string {
  return reason === 'admin-reset'
    ? 'An administrator reset your password. Choose a new one of your own to continue; the one you were given no longer works after this.'
    : 'This is your first sign-in with the password you were given. Choose your own to continue.';
}

function NewPasswordStep({
  email,
  challenge,
  next,
}: {
  email: string;
  challenge: { session: string; reason?: string; given: string };
  next: string;
}) {
  const [error, setError] = useState<string>();
  const [fieldError, setFieldError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const chosen = readNewPassword(new FormData(event.currentTarget), challenge.given);
    if (chosen.problem !== undefined) return setFieldError(chosen.problem);
    setFieldError(undefined);
    setError(undefined);
    setBusy(true);
    try {
      await answerNewPassword(email, challenge.session, chosen.password);
      navigate(next, { replace: true });
    } catch (e) {
      const field = e instanceof ApiProblem ? e.fieldError('newPassword') : undefined;
      if (field) setFieldError(field);
      else setError(describe(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <PageShell title="Choose a new password">
      <p>{challengeReason(challenge.reason)}</p>
      <form onSubmit={submit}>
        <NewPasswordFields error={fieldError} />
        {error ? <ErrorText>{error}</ErrorText> : null}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save password and continue'}
        </button>
      </form>
    </PageShell>
  );
}

/** The sign-in's second step: the six-digit code from the authenticator app. */
function MfaStep({
  email,
  session,
  next,
  onNewPassword,
  onRestart,
}: {
  email: string;
  session: string;
  next: string;
  onNewPassword: (session: string, reason?: string) => void;
  onRestart: () => void;
}) {
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get('code') ?? '').replace(/\s/g, '');
    if (!/^\d{6}$/.test(code)) return setError('Enter the six digits the app shows.');
    setError(undefined);
    setBusy(true);
    try {
      const result = await answerMfaChallenge(email, session, code);
      if (!('challenge' in result)) navigate(next, { replace: true });
      else if (result.challenge === 'NEW_PASSWORD_REQUIRED') onNewPassword(result.session, result.reason);
      else setError('Sign in again.');
    } catch (e) {
      setError(
        e instanceof ApiProblem && e.status === 401
          ? 'That code is not correct, or this sign-in took too long. Try the current code, or sign in again.'
          : describe(e),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <PageShell title="Enter your code">
      <p>Open your authenticator app and enter the six-digit code it shows for Roster ({email}).</p>
      <form onSubmit={submit}>
        <TextField
          label="Code from the app"
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="[0-9 ]*"
          maxLength={7}
          required
        />
        {error ? <ErrorText>{error}</ErrorText> : null}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Checking…' : 'Verify and sign in'}
        </button>
      </form>
      <p>
        <button type="button" className="link" onClick={onRestart}>
          Start again
        </button>{' '}
        · Lost your device? Ask an admin of your organisation to reset your two-factor authentication.
      </p>
    </PageShell>
  );
}

/**
 * An SSO sign-in met the person's existing Roster login: their password (and the code from their app, when the
 * login has two-factor authentication) proves it is theirs; single sign-on is linked to it from then on.
 */
function LinkStep({ linkToken, next }: { linkToken: string; next: string }) {
  const [error, setError] = useState<string>();
  const [needsCode, setNeedsCode] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get('password') ?? '');
    const code = String(form.get('code') ?? '').replace(/\s/g, '');
    if (needsCode && !/^\d{6}$/.test(code)) return setError('Enter the six digits your authenticator app shows.');
    setError(undefined);
    setBusy(true);
    try {
      await confirmSsoLink(linkToken, password, needsCode ? code : undefined);
      navigate(next, { replace: true });
    } catch (e) {
      if (e instanceof ApiProblem && e.code === 'mfa-required') {
        setError(needsCode ? 'That code is not correct. Try the current code.' : undefined);
        setNeedsCode(true);
      } else if (e instanceof ApiProblem && e.code === 'unauthenticated') {
        setError('That password is not correct.');
      } else setError(describe(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <PageShell title="Confirm it’s you">
      <p>
        Your organisation signs you in with single sign-on, and you already have a Roster login. Enter your Roster
        password to use single sign-on from now on.
      </p>
      <form onSubmit={submit}>
        <TextField label="Roster password" name="password" type="password" autoComplete="current-password" required />
        {needsCode ? (
          <>
            <p>Your login has two-factor authentication: enter the code your authenticator app shows too.</p>
            <TextField
              label="Code from the app"
              name="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9 ]*"
              maxLength={7}
              required
            />
          </>
        ) : null}
        {error ? <ErrorText>{error}</ErrorText> : null}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Checking…' : 'Confirm and sign in'}
        </button>
      </form>
    </PageShell>
  );
}
