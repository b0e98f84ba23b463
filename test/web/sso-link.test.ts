/** The sign-in page words a refused SSO sign-in from its reason code; a code it does not know gets general words. */
import { describe, expect, it } from 'vitest';
import { noticeText } from '../../web/src/pages/SignIn';

const words = (query: string) => noticeText(new URLSearchParams(query));

describe('a refused SSO sign-in, in words', () => {
  it('says why for each reason the callback sends', () => {
    expect(words('sso=failed&reason=domain')).toMatch(/outside the domains your organisation verified/);
    expect(words('sso=failed&reason=not-member')).toMatch(/no active membership/);
    expect(words('sso=failed&reason=bound')).toMatch(/already linked/);
    expect(words('sso=failed&reason=expired')).toMatch(/Continue with SSO again/);
  });

  it('never shows the query itself: unknown or hostile codes get the general words', () => {
    for (const reason of ['__proto__', 'constructor', '<script>', '']) {
      expect(words(`sso=failed&reason=${encodeURIComponent(reason)}`)).toBe(
        'Single sign-on did not complete. Try again, or ask your administrator.',
      );
    }
    expect(words('notice=reset')).toMatch(/password was changed/);
  });
});
