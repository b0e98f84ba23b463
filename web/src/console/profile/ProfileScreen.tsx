/**
 * My profile: my availability (my choice, and what assignment goes by right
 * now), my working hours, two-factor authentication, change my password, sign out (here or everywhere)
 * and switch organisation.
 */
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { describe } from '../../api/problem';
import { chooseTenant, endSession } from '../../api/session';
import { changePassword, signOut } from '../../data/auth';
import { activeTenants, useMe } from '../../data/tenant';
import { useSetAvailability, useUpdateUser } from '../../data/users';
import { navigate } from '../../router';
import { ErrorText } from '../../ui/Dialog';
import { TextField } from '../../ui/Field';
import { ROLE_LABELS } from '../../ui/format';
import { NewPasswordFields, readNewPassword } from '../../ui/NewPassword';
import { EMAIL_MAX } from '../../ui/rules';
import { availabilityText } from '../../ui/schedule';
import { useConsole } from '../context';
import { JoinableTenants } from '../JoinableTenants';
import { TwoFactorPanel } from './TwoFactorPanel';
import { WorkingHoursPanel } from './WorkingHoursPanel';

export function ProfileScreen() {
  const { tenantId, me } = useConsole();
  const identity = useMe();
  const client = useQueryClient();
  const availability = useSetAvailability(tenantId);
  const [status, setStatus] = useState<string>();
  const [error, setError] = useState<string>();
  // Shown at once; the server's value wins when it arrives.
  const [choice, setChoice] = useState(me.availability);
  useEffect(() => setChoice(me.availability), [me.availability]);
  const tenants = identity.data ? activeTenants(identity.data) : [];

  async function everywhere() {
    setError(undefined);
    try {
      await signOut(true);
      navigate('/sign-in?notice=signedout', { replace: true });
    } catch (e) {
      setError(`You are still signed in: ${describe(e)}`);
    }
  }

  return (
    <section aria-labelledby="profile-title">
      <div className="screen-head">
        <h1 id="profile-title">My profile</h1>
      </div>
      <dl className="facts">
        <dt>Name</dt>
        <dd>{me.name || '—'}</dd>
        <dt>Email</dt>
        <dd>{me.email}</dd>
        <dt>Organisation</dt>
        <dd>{me.tenant.name}</dd>
        <dt>Role</dt>
        <dd>
          {ROLE_LABELS[me.role] ?? me.role}
          {me.owner ? ' (owner)' : ''}
        </dd>
      </dl>
      <p role="status" className="status-line">
        {status}
      </p>
      {error ? <ErrorText>{error}</ErrorText> : null}

      <section className="panel" aria-labelledby="availability-title">
        <h2 id="availability-title">Availability</h2>
        <fieldset>
          <legend>New conversations from my teams</legend>
          {(['online', 'away'] as const).map((value) => (
            <div className="check" key={value}>
              <input
                type="radio"
                id={`availability-${value}`}
                name="availability"
                checked={choice === value}
                onChange={() => {
                  setChoice(value);
                  setError(undefined);
                  availability.mutate(
                    { userId: me.id, availability: value },
                    {
                      onSuccess: () => setStatus(value === 'online' ? 'You are online.' : 'You are away.'),
                      onError: (e) => {
                        setChoice(me.availability);
                        setError(describe(e));
                      },
                    },
                  );
                }}
              />
              <label htmlFor={`availability-${value}`}>
                {value === 'online' ? 'Online — give me conversations' : 'Away — give me none'}
              </label>
            </div>
          ))}
        </fieldset>
        <p>
          Right now: <strong>{availabilityText(me)}</strong>
        </p>
      </section>

      <WorkingHoursPanel tenantId={tenantId} userId={me.id} hours={me.workingHours} />

      <ChangeEmail tenantId={tenantId} userId={me.id} email={me.email} />

      <TwoFactorPanel enrolledAt={identity.data?.mfa?.enrolledAt} loaded={identity.data !== undefined} />

      <ChangePassword onDone={() => setStatus('Your password was changed. Your other sessions were signed out.')} />

      {tenants.length > 1 ? (
        <section className="panel" aria-labelledby="switch-title">
          <h2 id="switch-title">Switch organisation</h2>
          <ul className="tenant-list">
            {tenants
              .filter((t) => t.id !== tenantId)
              .map((t) => (
                <li key={t.id}>
                  <button
                    type="button"
                    onClick={() => {
                      chooseTenant(t.id);
                      client.removeQueries({ queryKey: ['tenant'] });
                      navigate('/users');
                    }}
                  >
                    Switch to {t.name}
                  </button>
                </li>
              ))}
          </ul>
        </section>
      ) : null}

      <JoinableTenants />

      <section className="panel" aria-labelledby="signout-title">
        <h2 id="signout-title">Sign out</h2>
        <div className="actions start">
          <button
            type="button"
            onClick={() => void signOut().then(() => navigate('/sign-in?notice=signedout', { replace: true }))}
          >
            Sign out
          </button>
          <button type="button" className="danger" onClick={() => void everywhere()}>
            Sign out everywhere
          </button>
        </div>
      </section>
    </section>
  );
}

/**
 * My own address, with my current password as proof (the API's rule: a stolen
 * session must not move a login). The change ends every session of the login,
 * this one too: the person signs in again with the new address.
 */
function ChangeEmail({ tenantId, userId, email }: { tenantId: string; userId: string; email: string }) {
  const update = useUpdateUser(tenantId);
  const [error, setError] = useState<string>();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = String(form.get('email') ?? '').trim();
    if (next.toLowerCase() === email.toLowerCase()) return setError('That is already your email.');
    setError(undefined);
    update.mutate(
      { userId, body: { email: next, currentPassword: String(form.get('currentPassword') ?? '') } },
      {
        onSuccess: () => {
          endSession();
          navigate(`/sign-in?notice=email&email=${encodeURIComponent(next)}`, { replace: true });
        },
        onError: (e) => setError(describe(e)),
      },
    );
  }

  return (
    <section className="panel" aria-labelledby="email-title">
      <h2 id="email-title">Change email</h2>
      <form onSubmit={submit} className="narrow">
        <TextField
          label="New email"
          name="email"
          type="email"
          autoComplete="email"
          required
          maxLength={EMAIL_MAX}
          defaultValue={email}
          hint="You sign in with it and Roster writes to it. Every session ends: you sign in again with the new address."
        />
        <TextField
          label="Your password, to confirm"
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          required
        />
        {error ? <ErrorText>{error}</ErrorText> : null}
        <button type="submit" className="primary" disabled={update.isPending}>
          {update.isPending ? 'Changing…' : 'Change email'}
        </button>
      </form>
    </section>
  );
}

function ChangePassword({ onDone }: { onDone: () => void }) {
  const [error, setError] = useState<string>();
  const [fieldError, setFieldError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const chosen = readNewPassword(form);
    if (chosen.problem !== undefined) return setFieldError(chosen.problem);
    const next = chosen.password;
    setFieldError(undefined);
    setBusy(true);
    setError(undefined);
    try {
      await changePassword(String(form.get('currentPassword')), next);
      formElement.reset();
      onDone();
    } catch (e) {
      setError(describe(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel" aria-labelledby="password-title">
      <h2 id="password-title">Change password</h2>
      <form onSubmit={submit} className="narrow">
        <TextField
          label="Current password"
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          required
        />
        <NewPasswordFields error={fieldError} />
        {error ? <ErrorText>{error}</ErrorText> : null}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Changing…' : 'Change password'}
        </button>
      </form>
    </section>
  );
}
