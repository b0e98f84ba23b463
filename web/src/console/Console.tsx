/**
 * The console: restores or requires a session, picks the tenant (the one
 * chosen in this tab, else the only active membership, else asks), loads the
 * person's membership there, and shows the screens they may use.
 */
import { type ReactNode, useEffect, useMemo } from 'react';
import { refreshSession } from '../api/client';
import { ApiProblem, describe } from '../api/problem';
import { chooseTenant, endSession, takeEndedByApi, useSession } from '../api/session';
import { activeTenants, useMe, useMyMembership } from '../data/tenant';
import { PageShell } from '../pages/PageShell';
import { Link, navigate, useLocation } from '../router';
import { ErrorText } from '../ui/Dialog';
import { AvailabilityToggle } from './AvailabilityToggle';
import { AuditScreen } from './audit/AuditScreen';
import { ConsoleContext, consoleState, useConsole, visibleScreens } from './context';
import { ProfileScreen } from './profile/ProfileScreen';
import { ReviewScreen } from './review/ReviewScreen';
import { RolesScreen } from './roles/RolesScreen';
import { SettingsScreen } from './settings/SettingsScreen';
import { TenantPicker } from './TenantPicker';
import { TeamsScreen } from './teams/TeamsScreen';
import { UsersScreen } from './users/UsersScreen';

export function ConsoleApp() {
  const { path, query } = useLocation();
  const session = useSession();

  useEffect(() => {
    if (session.signedIn) return;
    const back = `/sign-in?next=${encodeURIComponent(`${path}${query.size ? `?${query}` : ''}`)}`;
    if (!session.resumable) {
      navigate(takeEndedByApi() ? `${back}&notice=ended` : back, { replace: true });
      return;
    }
    void refreshSession().then((resumed) => {
      if (!resumed) {
        endSession();
        navigate(`${back}&notice=ended`, { replace: true });
      }
    });
  }, [session.signedIn, session.resumable, path, query]);

  if (!session.signedIn) return <Waiting>Restoring your session…</Waiting>;
  if (path === '/tenants') return <TenantPicker />;
  return <TenantConsole />;
}

function TenantConsole() {
  const session = useSession();
  const me = useMe();
  const tenants = me.data ? activeTenants(me.data) : [];
  const only = tenants.length === 1 ? tenants[0]?.id : undefined;
  const tenantId = session.tenantId ?? only;

  useEffect(() => {
    if (!session.tenantId && only) chooseTenant(only);
  }, [session.tenantId, only]);

  if (me.error) return <Waiting error={describe(me.error)} />;
  if (!tenantId) return me.data ? <TenantPicker /> : <Waiting>Loading your organisations…</Waiting>;
  return <Membership tenantId={tenantId} />;
}

function Membership({ tenantId }: { tenantId: string }) {
  const membership = useMyMembership(tenantId);
  const state = useMemo(() => (membership.data ? consoleState(membership.data) : undefined), [membership.data]);

  if (membership.error instanceof ApiProblem && [403, 404].includes(membership.error.status)) return <TenantPicker />;
  if (membership.error) return <Waiting error={describe(membership.error)} />;
  if (!state) return <Waiting>Loading…</Waiting>;
  return (
    <ConsoleContext.Provider value={state}>
      <Layout />
    </ConsoleContext.Provider>
  );
}

function Layout() {
  const { path } = useLocation();
  const session = useSession();
  const me = useMe();
  const state = useConsole();
  const screens = visibleScreens(state);
  const current = screens.find((s) => s.path === path);

  useEffect(() => {
    if (!current) navigate(screens[0]?.path ?? '/profile', { replace: true });
  }, [current, screens]);

  const tenants = me.data ? activeTenants(me.data) : [];
  return (
    <div className="console">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            R
          </span>
          <span className="tenant-name">{state.me.tenant.name}</span>
        </div>
        <nav aria-label="Console">
          <ul>
            {screens.map((s) => (
              <li key={s.path}>
                <Link href={s.path} aria-current={s.path === path ? 'page' : undefined}>
                  {s.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="whoami">
          <AvailabilityToggle />
          <span>{session.email ?? state.me.email}</span>
          {tenants.length > 1 ? <Link href="/tenants">Switch organisation</Link> : null}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {current ? <Screen path={current.path} /> : null}
      </main>
    </div>
  );
}

function Screen({ path }: { path: string }) {
  switch (path) {
    case '/users':
      return <UsersScreen />;
    case '/roles':
      return <RolesScreen />;
    case '/teams':
      return <TeamsScreen />;
    case '/audit':
      return <AuditScreen />;
    case '/access-review':
      return <ReviewScreen />;
    case '/settings':
      return <SettingsScreen />;
    default:
      return <ProfileScreen />;
  }
}

function Waiting({ children, error }: { children?: ReactNode; error?: string }) {
  return (
    <PageShell title="Roster">
      {error ? <ErrorText>{error}</ErrorText> : <p role="status">{children}</p>}
      {error ? (
        <p>
          <Link href="/sign-in">Sign in again</Link>
        </p>
      ) : null}
    </PageShell>
  );
}
