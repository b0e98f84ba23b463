/** Which page a path shows: the hosted pages, or the console for everything else. */
import { ConsoleApp } from './console/Console';
import { isPagePath } from './pages';
import { AcceptInvitationPage } from './pages/AcceptInvitation';
import { ForgotPasswordPage } from './pages/ForgotPassword';
import { PageShell } from './pages/PageShell';
import { SignInPage } from './pages/SignIn';
import { TwoFactorSetupPage } from './pages/TwoFactorSetup';
import { Link, useLocation } from './router';

export function App() {
  const { path } = useLocation();
  switch (path) {
    case '/sign-in':
    case '/login':
    case '/new-password':
      return <SignInPage />;
    case '/forgot-password':
    case '/reset-password':
      return <ForgotPasswordPage />;
    case '/accept-invitation':
      return <AcceptInvitationPage />;
    case '/two-factor-setup':
      return <TwoFactorSetupPage />;
    default:
      return isPagePath(path) ? <ConsoleApp /> : <NotFound />;
  }
}

function NotFound() {
  return (
    <PageShell title="Page not found">
      <p>There is no page at this address.</p>
      <p>
        <Link href="/">Open the console</Link>
      </p>
    </PageShell>
  );
}
