/**
 * IdP metadata as Okta and Entra ID shape it (prefixes, several key
 * descriptors, Entra's RoleDescriptors before the IDPSSODescriptor, two
 * certificates during a rollover) is read for what Roster keeps: entity id,
 * the HTTP-Redirect SSO URL and the signing certificates only. Anything else
 * is a 400 naming `body.metadataXml`.
 */
import { describe, expect, it } from 'vitest';
import { signingKey } from '../../infra/local/idp/saml.ts';
import { parseIdpMetadata } from '../../lib/app/saml.ts';

const certBody = (pem: string) => pem.replace(/-----[^-]+-----|\s+/g, '');
const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const POST = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST';

function okta(signing: string, encryption: string) {
  return `<?xml version="1.0" encoding="UTF-8"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="http://www.okta.com/exk1abc"><md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="encryption"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${encryption}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>
${signing.match(/.{1,64}/g)?.join('\n')}
</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat><md:SingleSignOnService Binding="${POST}" Location="https://acme.okta.com/app/acme_roster_1/exk1abc/sso/saml"/><md:SingleSignOnService Binding="${REDIRECT}" Location="https://acme.okta.com/app/acme_roster_1/exk1abc/sso/saml"/></md:IDPSSODescriptor></md:EntityDescriptor>`;
}

function entra(current: string, next: string) {
  const key = (c: string) =>
    `<KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>${c}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>`;
  return `<?xml version="1.0" encoding="utf-8"?><EntityDescriptor ID="_5b8c" entityID="https://sts.windows.net/0f1e2d3c-aaaa-bbbb-cccc-123456789abc/" xmlns="urn:oasis:names:tc:SAML:2.0:metadata"><RoleDescriptor xsi:type="fed:SecurityTokenServiceType" protocolSupportEnumeration="http://docs.oasis-open.org/wsfed/federation/200706" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:fed="http://docs.oasis-open.org/wsfed/federation/200706">${key('MIIC-not-this-one')}</RoleDescriptor><IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${key(current)}${key(next)}<SingleLogoutService Binding="${REDIRECT}" Location="https://login.microsoftonline.com/0f1e2d3c-aaaa-bbbb-cccc-123456789abc/saml2"/><SingleSignOnService Binding="${REDIRECT}" Location="https://login.microsoftonline.com/0f1e2d3c-aaaa-bbbb-cccc-123456789abc/saml2"/><SingleSignOnService Binding="${POST}" Location="https://login.microsoftonline.com/0f1e2d3c-aaaa-bbbb-cccc-123456789abc/saml2"/></IDPSSODescriptor></EntityDescriptor>`;
}

const refusal = (xml: string) => {
  try {
    parseIdpMetadata(xml);
  } catch (error) {
    return error as { code: string; extensions?: { errors?: { path: string }[] } };
  }
  throw new Error('accepted');
};

describe('parseIdpMetadata', () => {
  it('reads Okta’s metadata: the Redirect SSO URL and the signing certificate, never the encryption one', async () => {
    const [signing, encryption] = await Promise.all([signingKey('okta-sign'), signingKey('okta-enc')]);
    const parsed = parseIdpMetadata(okta(certBody(signing.cert), certBody(encryption.cert)));
    expect(parsed).toEqual({
      entityId: 'http://www.okta.com/exk1abc',
      ssoUrl: 'https://acme.okta.com/app/acme_roster_1/exk1abc/sso/saml',
      certs: [certBody(signing.cert)],
    });
  });

  it('reads Entra ID’s federation metadata: both certificates of a rollover, none of the WS-Fed RoleDescriptor', () => {
    const parsed = parseIdpMetadata(entra('MIICcurrent', 'MIICnext'));
    expect(parsed.entityId).toBe('https://sts.windows.net/0f1e2d3c-aaaa-bbbb-cccc-123456789abc/');
    expect(parsed.ssoUrl).toBe('https://login.microsoftonline.com/0f1e2d3c-aaaa-bbbb-cccc-123456789abc/saml2');
    expect(parsed.certs).toEqual(['MIICcurrent', 'MIICnext']);
  });

  it.each([
    ['not XML', 'this is not metadata'],
    [
      'an SP’s metadata',
      '<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"><SPSSODescriptor/></EntityDescriptor>',
    ],
    [
      'no HTTP-Redirect SSO service',
      entra('MIICa', 'MIICb').replace(/<SingleSignOnService Binding="[^"]*Redirect"[^>]*\/>/, ''),
    ],
    ['only an encryption key', okta('MIICa', 'MIICb').replace('use="signing"', 'use="encryption"')],
    ['over 200 kB', `<!--${'x'.repeat(200_001)}-->`],
  ])('refuses %s (400 naming body.metadataXml)', (_, xml) => {
    const error = refusal(xml);
    expect(error.code).toBe('validation-failed');
    expect(JSON.stringify(error)).toContain('body.metadataXml');
  });
});
