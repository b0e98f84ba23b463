/**
 * SAML 2.0 connections (docs/sso-saml.md): IdP metadata parsed at save;
 * SP-initiated sign-in (AuthnRequest by HTTP-Redirect, the Response posted
 * back by HTTP-POST); @node-saml/node-saml checks the signature (signed
 * assertions required, with the certificates of the metadata only),
 * audience, recipient/destination, issuer, time window and InResponseTo (the
 * request id this very sign-in sent, from its single-use state); assertion ids
 * go into a replay cache (DynamoDB, TTL). No XML signature code of our own.
 */

import { type CacheProvider, SAML } from '@node-saml/node-saml';
import { DOMParser } from '@xmldom/xmldom';
import { DomainError } from '../domain/errors.ts';
import { firstUseOfAssertion, type SamlSettings, type SsoConnection } from '../store/sso.ts';
import { type Asserted, callbackUrl, spEntityId, ssoFailed } from './sso.ts';

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const DS = 'http://www.w3.org/2000/09/xmldsig#';
const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
/** How far the clocks of IdP and Roster may disagree. */
const CLOCK_SKEW_MS = 60_000;

const metadataProblem = (message: string) =>
  new DomainError('validation-failed', 'The IdP metadata could not be used.', {
    errors: [{ path: 'body.metadataXml', message }],
  });

/** Entity id, single sign-on URL (HTTP-Redirect) and signing certificates of an IdP's metadata. */
export function parseIdpMetadata(xml: string): SamlSettings {
  if (xml.length > 200_000) throw metadataProblem('Larger than 200 kB');
  let doc: Document;
  try {
    doc = new DOMParser().parseFromString(xml, 'text/xml') as unknown as Document;
  } catch {
    throw metadataProblem('Not XML');
  }
  const entity = doc.getElementsByTagNameNS(MD, 'EntityDescriptor')[0];
  const idp = doc.getElementsByTagNameNS(MD, 'IDPSSODescriptor')[0];
  const entityId = entity?.getAttribute('entityID') ?? '';
  if (!entity || !idp || !entityId) throw metadataProblem('No EntityDescriptor with an IDPSSODescriptor');
  const services = Array.from(idp.getElementsByTagNameNS(MD, 'SingleSignOnService'));
  const ssoUrl = services.find((s) => s.getAttribute('Binding') === REDIRECT)?.getAttribute('Location') ?? '';
  if (!/^https?:\/\//.test(ssoUrl)) throw metadataProblem('No SingleSignOnService with the HTTP-Redirect binding');
  const certs = Array.from(idp.getElementsByTagNameNS(MD, 'KeyDescriptor'))
    .filter((k) => (k.getAttribute('use') ?? 'signing') === 'signing')
    .flatMap((k) => Array.from(k.getElementsByTagNameNS(DS, 'X509Certificate')))
    .map((c) => (c.textContent ?? '').replace(/\s+/g, ''))
    .filter((c) => c.length > 0);
  if (certs.length === 0) throw metadataProblem('No signing certificate (KeyDescriptor use="signing")');
  return { entityId, ssoUrl, certs };
}

/** One sign-in's expected request id: node-saml's InResponseTo check asks this and nothing else. */
function expecting(requestId: string | undefined): CacheProvider {
  return {
    saveAsync: async () => null,
    getAsync: async (key) => (requestId !== undefined && key === requestId ? new Date().toISOString() : null),
    removeAsync: async () => null,
  };
}

function samlFor(connection: SsoConnection, requestId?: string): SAML {
  const settings = connection.saml;
  if (!settings) throw new Error('not a SAML connection');
  return new SAML({
    callbackUrl: callbackUrl(),
    entryPoint: settings.ssoUrl,
    issuer: spEntityId(),
    audience: spEntityId(),
    idpIssuer: settings.entityId,
    idpCert: settings.certs,
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: false,
    acceptedClockSkewMs: CLOCK_SKEW_MS,
    validateInResponseTo: 'always' as never,
    cacheProvider: expecting(requestId),
    ...(requestId ? { generateUniqueId: () => requestId } : {}),
  });
}

/** The IdP URL carrying a fresh AuthnRequest; its id is kept in the sign-in's state. */
export async function samlRedirect(connection: SsoConnection, state: string) {
  const requestId = `_${crypto.randomUUID()}`;
  const url = await samlFor(connection, requestId).getAuthorizeUrlAsync(state, undefined, {});
  return { url, requestId };
}

/** The xml2js shape of the signed assertion node-saml hands back (`profile.getAssertion()`). */
interface ParsedAssertion {
  Assertion?: {
    $?: { ID?: string };
    Issuer?: ({ _?: string } | string)[];
    Subject?: { SubjectConfirmation?: { SubjectConfirmationData?: { $?: Record<string, string> }[] }[] }[];
  };
}

const text = (node: { _?: string } | string | undefined) => (typeof node === 'string' ? node : node?._);

/** Attribute names the IdPs send the email and the display name under (Entra ID's claim URIs, LDAP's OIDs, plain names). */
const EMAIL_ATTRIBUTES = [
  'email',
  'mail',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
  'urn:oid:0.9.2342.19200300.100.1.3',
];
const NAME_ATTRIBUTES = [
  'displayName',
  'name',
  'http://schemas.microsoft.com/identity/claims/displayname',
  'urn:oid:2.16.840.1.113730.3.1.241',
];

/**
 * What node-saml (5.x) does not check on a POST response, checked here on
 * the assertion whose signature it verified (`getAssertion()`): the
 * assertion's Issuer is the connection's IdP (node-saml applies `idpIssuer`
 * to logout messages only), a bearer SubjectConfirmationData names Roster's
 * ACS URL as Recipient and this sign-in's request as InResponseTo (node-saml
 * only compares it with the Response's unsigned one, and skips an assertion
 * that names no request). The Response's own Destination, when present, must
 * be the ACS URL too.
 */
function checkSignedAssertion(profile: Record<string, unknown>, connection: SsoConnection, requestId: string) {
  const settings = connection.saml as SamlSettings;
  const parsed = (typeof profile.getAssertion === 'function' ? profile.getAssertion() : {}) as ParsedAssertion;
  const assertion = parsed.Assertion;
  const issuer = text(assertion?.Issuer?.[0]);
  if (issuer !== settings.entityId) throw new Error(`Unknown issuer ${String(issuer).slice(0, 100)}`);
  const confirmations = (assertion?.Subject?.[0]?.SubjectConfirmation ?? []).flatMap(
    (c) => c.SubjectConfirmationData ?? [],
  );
  const forRoster = confirmations.filter((d) => d.$?.Recipient === callbackUrl());
  if (forRoster.length === 0) throw new Error('No SubjectConfirmationData with this ACS URL as Recipient');
  if (!forRoster.some((d) => d.$?.InResponseTo === requestId)) {
    throw new Error('The signed SubjectConfirmationData’s InResponseTo is not this sign-in’s request');
  }
  const responseXml = typeof profile.getSamlResponseXml === 'function' ? String(profile.getSamlResponseXml()) : '';
  const root = new DOMParser().parseFromString(responseXml, 'text/xml').documentElement;
  const destination = root?.hasAttribute('Destination') ? root.getAttribute('Destination') : undefined;
  if (destination !== undefined && destination !== callbackUrl()) throw new Error('Wrong Destination');
  return assertion?.$?.ID;
}

const firstString = (profile: Record<string, unknown>, names: readonly string[], test: (v: string) => boolean) =>
  names.map((n) => profile[n]).find((v): v is string => typeof v === 'string' && test(v));

/** The posted SAMLResponse, verified, as the person it asserts; refused when replayed. */
export async function verifySaml(
  connection: SsoConnection,
  samlResponse: string | undefined,
  requestId: string | undefined,
  now: Date,
): Promise<Asserted> {
  if (!samlResponse || !requestId) throw ssoFailed('This sign-in was not started for SAML.');
  let profile: Record<string, unknown> | null;
  let assertionId: string | undefined;
  try {
    ({ profile } = await samlFor(connection, requestId).validatePostResponseAsync({ SAMLResponse: samlResponse }));
    if (!profile) throw new Error('No assertion');
    assertionId = checkSignedAssertion(profile, connection, requestId);
  } catch (error) {
    throw ssoFailed(`The SAML response was refused: ${(error as Error).message}`.slice(0, 300));
  }
  const subject = typeof profile.nameID === 'string' ? profile.nameID : '';
  if (!subject || !assertionId) throw ssoFailed('The SAML assertion names nobody.');
  // Replay: an assertion id signs in once (kept past any assertion's lifetime).
  if (!(await firstUseOfAssertion(connection.id, assertionId, now.getTime() + 24 * 3_600_000))) {
    throw ssoFailed('This SAML assertion was already used.');
  }
  const email = firstString(profile, [...EMAIL_ATTRIBUTES, 'nameID'], (v) => v.includes('@'));
  const name = firstString(profile, NAME_ATTRIBUTES, (v) => v.trim().length > 0);
  return { subject, ...(email ? { email } : {}), ...(name ? { name } : {}) };
}
