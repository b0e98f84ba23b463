/**
 * The page the invitation email links to. It shows what the invitation is
 * for; a new login chooses a name and password, an existing login proves it
 * is the person's (its password, or the session already open here) — DESIGN
 * §2a rule 3. Then the person is signed in and lands in the console. A dead
 * link says so and what to do.
 */
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { refreshSession } from '../api/client';
import { ApiProblem, describe } from '../api/problem';
import { accessToken, chooseTenant, signedInEmail, useSession } from '../api/session';
import { acceptInvitation, type InvitationPreview, previewInvitation, signIn } from '../data/auth';
import { Link, navigate, useLocation } from '../router';
import { ErrorText } from '../ui/Dialog';
import { TextField } from '../ui/Field';
import { ROLE_LABELS, when } from '../ui/format';
import { NewPasswordFields, readNewPassword } from '../ui/NewPassword';
import { INVITATION_TOKEN_SHAPE, NAME_MAX } from '../ui/rules';
import { PageShell } from './PageShell';

export function AcceptInvitationPage() {
  const { query } = useLocation();
  const given = query.get('token') ?? '';
  const token = INVITATION_TOKEN_SHAPE.test(given) ? given : '';
  const session = useSession();
  // A session of this browser survives the page load in its cookie: resume it, to offer "Join as …".
  const resume = useQuery({
    queryKey: ['resume-session'],
    queryFn: refreshSession,
    enabled: session.resumable,
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
  });
  const preview = useQuery({
    queryKey: ['invitation', token],
    queryFn: () => previewInvitation(token),
    enabled: token !== '',
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
  });

  if (!token || (preview.error instanceof ApiProblem && [400, 404, 410].includes(preview.error.status))) {
    return <DeadLink />;
  }
  if (preview.error) {
    return (
      <PageShell title="Invitation">
        <ErrorText>{describe(preview.error)}</ErrorText>
      </PageShell>
    );
  }
  if (!preview.data || (session.resumable && resume.isPending)) {
    return (
      <PageShell title="Invitation">
        <p role="status">Checking your invitation…</p>
      </PageShell>
    );
  }
  return <Invitation token={token} invitation={preview.data} />;
}

function DeadLink() {
  return (
    <PageShell title="This invitation link no longer works">
      <p>
        The link was already used, was replaced by a newer invitation, or has expired. Each invitation link works once,
        for a limited time.
      </p>
      <ul>
        <li>If you already accepted it, sign in with the email the invitation was sent to.</li>
        <li>Otherwise ask the person who invited you to send the invitation again: the new email has a fresh link.</li>
      </ul>
      <p>
        <Link href="/sign-in" className="button primary">
          Sign in
        </Link>
      </p>
    </PageShell>
  );
}

function Invitation({ token, invitation }: { token: string; invitation: InvitationPreview }) {
  const [error, setError] = useState<string>();
  const [fieldError, setFieldError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [dead, setDead] = useState(false);
  const sameLoginSignedIn =
    invitation.hasLogin &&
    accessToken() !== undefined &&
    signedInEmail()?.toLowerCase() === invitation.email.toLowerCase();

  async function join(proof: { name?: string; password?: string; bearer?: string }) {
    setBusy(true);
    setError(undefined);
    try {
      const accepted = await acceptInvitation(token, proof);
      if (!proof.bearer && proof.password) {
        const result = await signIn(invitation.email, proof.password);
        if ('challenge' in result) {
          navigate(`/sign-in?email=${encodeURIComponent(invitation.email)}`);
          return;
        }
      }
      chooseTenant(accepted.tenantId);
      navigate('/users', { replace: true });
    } catch (e) {
      if (e instanceof ApiProblem && e.code === 'invitation-invalid') {
        setDead(true);
        return;
      }
      if (e instanceof ApiProblem && (e.code === 'unauthenticated' || e.code === 'login-required')) {
        setError(`That is not the password of the login ${invitation.email}. Try again, or reset it.`);
      } else {
        setError(describe(e));
        setFieldError(e instanceof ApiProblem ? e.fieldError('password') : undefined);
      }
    } finally {
      setBusy(false);
    }
  }

  function createLogin(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const chosen = readNewPassword(form);
    if (chosen.problem !== undefined) return setFieldError(chosen.problem);
    setFieldError(undefined);
    void join({ name: String(form.get('name')).trim(), password: chosen.password });
  }

  function linkLogin(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void join({ password: String(new FormData(event.currentTarget).get('password')) });
  }

  if (dead) return <DeadLink />;
  return (
    <PageShell title={`Join ${invitation.tenant.name}`}>
      <dl className="facts">
        <dt>Organisation</dt>
        <dd>{invitation.tenant.name}</dd>
        {invitation.inviterName ? (
          <>
            <dt>Invited by</dt>
            <dd>{invitation.inviterName}</dd>
          </>
        ) : null}
        <dt>Role</dt>
        <dd>{ROLE_LABELS[invitation.role] ?? invitation.role}</dd>
        <dt>Email</dt>
        <dd>{invitation.email}</dd>
        {invitation.expiresAt ? (
          <>
            <dt>Link expires</dt>
            <dd>{when(invitation.expiresAt)}</dd>
          </>
        ) : null}
      </dl>

      {!invitation.hasLogin ? (
        <form onSubmit={createLogin}>
          <p>Choose your name and a password to create your login.</p>
          <TextField
            label="Your name"
            name="name"
            autoComplete="name"
            required
            maxLength={NAME_MAX}
            defaultValue={invitation.name}
          />
          <NewPasswordFields label="Password" repeatLabel="Repeat the password" error={fieldError} />
          {error ? <ErrorText>{error}</ErrorText> : null}
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Joining…' : `Create login and join ${invitation.tenant.name}`}
          </button>
        </form>
      ) : sameLoginSignedIn ? (
        <div>
          <p>You are signed in as {invitation.email}.</p>
          {error ? <ErrorText>{error}</ErrorText> : null}
          <button
            type="button"
            className="primary"
            disabled={busy}
            onClick={() => void join({ bearer: accessToken() })}
          >
            {busy ? 'Joining…' : `Join ${invitation.tenant.name}`}
          </button>
        </div>
      ) : (
        <form onSubmit={linkLogin}>
          <p>
            {invitation.email} already has a Roster login. Sign in with its password to add {invitation.tenant.name} to
            it; your password stays as it is.
          </p>
          <TextField
            label={`Password for ${invitation.email}`}
            name="password"
            type="password"
            autoComplete="current-password"
            required
          />
          {error ? <ErrorText>{error}</ErrorText> : null}
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Joining…' : `Sign in and join ${invitation.tenant.name}`}
          </button>
          <p>
            <Link href={`/forgot-password?email=${encodeURIComponent(invitation.email)}`}>Forgot your password?</Link>
          </p>
        </form>
      )}
    </PageShell>
  );
}
