/**
 * SAML test fixtures: a driver that signs in at the local SAML IdP
 * (infra/local/idp/saml.ts) the way a browser does — Roster's redirect with
 * the AuthnRequest, the IdP's login form, its auto-submitting form — and the
 * attacker's tools on a minted Response: XML signature wrapping (XSW) and a
 * sign-in's expected request id swapped (the replay cache's own test).
 */
import { inflateRawSync } from 'node:zlib';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { keys } from '../../lib/store/keys.ts';
import { sha256 } from '../../lib/store/sso.ts';
import { localStack } from './local-stack.ts';
import { cookiesSetBy } from './sso.ts';

/** A sign-in started at Roster: where the browser goes, the AuthnRequest's id and the RelayState. */
export interface Started {
  idpUrl: URL;
  requestId: string;
  relayState: string;
}

/**
 * The cookies each started sign-in's browser holds, by RelayState: what the browser that started it sends
 * with the IdP's form post (the binding against login CSRF). postToAcs sends them unless told otherwise.
 */
const browsers = new Map<string, string>();

/** The cookie header the browser that started the sign-in of `relayState` holds. */
export const browserOf = (relayState: string) => browsers.get(relayState);

export async function startSaml(startUrl: string): Promise<Started> {
  const res = await fetch(startUrl, { redirect: 'manual' });
  if (res.status !== 303) throw new Error(`start answered ${res.status}: ${await res.text()}`);
  const idpUrl = new URL(res.headers.get('location') as string);
  browsers.set(idpUrl.searchParams.get('RelayState') ?? '', cookiesSetBy(res));
  const request = inflateRawSync(Buffer.from(idpUrl.searchParams.get('SAMLRequest') ?? '', 'base64')).toString();
  const requestId = /\sID="([^"]+)"/.exec(request)?.[1];
  if (!requestId) throw new Error(`no AuthnRequest in ${idpUrl.href}`);
  return { idpUrl, requestId, relayState: idpUrl.searchParams.get('RelayState') ?? '' };
}

/** The form the IdP's page posts to Roster's ACS URL. */
export interface AcsPost {
  action: string;
  SAMLResponse: string;
  RelayState: string;
}

const hidden = (html: string, name: string) =>
  new RegExp(`name="${name}" value="([^"]*)"`)
    .exec(html)?.[1]
    ?.replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

/** Through the IdP's login form as `email`, up to the form its page would post (not yet posted). */
export async function signInAtSamlIdp(startUrl: string, email: string, name = 'Sam Saml'): Promise<AcsPost> {
  const { idpUrl } = await startSaml(startUrl);
  const login = await fetch(idpUrl);
  const html = await login.text();
  const txn = hidden(html, 'txn');
  if (login.status !== 200 || !txn) throw new Error(`IdP login page: ${login.status} ${html.slice(0, 300)}`);
  const posted = await fetch(new URL('/login', idpUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ txn, email, name, password: 'any-password' }),
  });
  const page = await posted.text();
  const action = /<form id="saml" method="post" action="([^"]+)"/.exec(page)?.[1];
  const SAMLResponse = hidden(page, 'SAMLResponse');
  if (!action || !SAMLResponse) throw new Error(`IdP answer: ${posted.status} ${page.slice(0, 300)}`);
  return { action: action.replace(/&amp;/g, '&'), SAMLResponse, RelayState: hidden(page, 'RelayState') ?? '' };
}

/**
 * What the browser's form post does, at `baseUrl`'s gateway: from the browser that started the sign-in
 * (its cookies), or from `browser` — another browser's cookie header, or '' for a browser holding none.
 */
export function postToAcs(
  baseUrl: string,
  form: { SAMLResponse: string; RelayState: string },
  browser = browsers.get(form.RelayState) ?? '',
): Promise<Response> {
  return fetch(`${baseUrl}/v1/auth/sso/callback`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(browser ? { cookie: browser } : {}) },
    body: new URLSearchParams({ SAMLResponse: form.SAMLResponse, RelayState: form.RelayState }),
  });
}

export const encode = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');
export const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');

const SAML = 'urn:oasis:names:tc:SAML:2.0:assertion';
const DS = 'http://www.w3.org/2000/09/xmldsig#';

function parse(xml: string) {
  return new DOMParser().parseFromString(xml, 'text/xml');
}

/** A copy of the response's signed assertion, unsigned, with a new id and `email` as NameID and email attribute. */
function evilTwin(doc: ReturnType<typeof parse>, email: string) {
  const signed = doc.getElementsByTagNameNS(SAML, 'Assertion')[0];
  if (!signed) throw new Error('no assertion');
  const evil = signed.cloneNode(true) as typeof signed;
  evil.setAttribute('ID', `_evil-${crypto.randomUUID()}`);
  const signature = evil.getElementsByTagNameNS(DS, 'Signature')[0];
  signature?.parentNode?.removeChild(signature);
  const nameId = evil.getElementsByTagNameNS(SAML, 'NameID')[0];
  if (nameId) nameId.textContent = email;
  for (const value of Array.from(evil.getElementsByTagNameNS(SAML, 'AttributeValue'))) {
    if ((value.textContent ?? '').includes('@')) value.textContent = email;
  }
  return { signed, evil };
}

/** XSW: an unsigned assertion for `email` placed before the genuinely signed one (two assertions). */
export function injectAssertion(signedXml: string, email: string): string {
  const doc = parse(signedXml);
  const { signed, evil } = evilTwin(doc, email);
  signed.parentNode?.insertBefore(evil, signed);
  return new XMLSerializer().serializeToString(doc);
}

/**
 * XSW: the signed assertion moved out of the way (into the Response's
 * Extensions), an unsigned one for `email` in its place — the one Response
 * Assertion a naive verifier reads, while a valid signature still exists.
 */
export function wrapAssertion(signedXml: string, email: string): string {
  const doc = parse(signedXml);
  const { signed, evil } = evilTwin(doc, email);
  const response = signed.parentNode;
  if (!response) throw new Error('no response');
  const extensions = doc.createElementNS('urn:oasis:names:tc:SAML:2.0:protocol', 'samlp:Extensions');
  response.replaceChild(evil, signed);
  extensions.appendChild(signed);
  response.insertBefore(extensions, evil);
  return new XMLSerializer().serializeToString(doc);
}

/**
 * XSW: the signed assertion's Signature moved into an evil assertion (for
 * `email`) that carries the original inside the signature's Object — the
 * signature still verifies over the original, which is no longer the assertion read.
 */
export function wrapInsideSignature(signedXml: string, email: string): string {
  const doc = parse(signedXml);
  const { signed, evil } = evilTwin(doc, email);
  const signature = signed.getElementsByTagNameNS(DS, 'Signature')[0];
  if (!signature) throw new Error('no signature');
  signed.removeChild(signature);
  const object = doc.createElementNS(DS, 'ds:Object');
  const response = signed.parentNode;
  if (!response) throw new Error('no response');
  response.replaceChild(evil, signed);
  object.appendChild(signed);
  signature.appendChild(object);
  const issuer = evil.getElementsByTagNameNS(SAML, 'Issuer')[0];
  evil.insertBefore(signature, issuer?.nextSibling ?? null);
  return new XMLSerializer().serializeToString(doc);
}

/** The signed assertion's person changed to `email` and its signature removed (to be re-signed by someone). */
export function alteredUnsigned(signedXml: string, email: string): string {
  const doc = parse(signedXml);
  const { signed, evil } = evilTwin(doc, email);
  signed.parentNode?.replaceChild(evil, signed);
  return new XMLSerializer().serializeToString(doc);
}

/** Makes a started sign-in expect `requestId` (a response minted for another sign-in passes InResponseTo). */
export async function tamperRequestId(state: string, requestId: string): Promise<void> {
  const { env } = localStack();
  const doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: env.AWS_ENDPOINT_URL_DYNAMODB,
      region: env.AWS_REGION,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
    }),
  );
  await doc.send(
    new UpdateCommand({
      TableName: env.TABLE_NAME,
      Key: keys.ssoState(sha256(state)),
      UpdateExpression: 'SET requestId = :r',
      ExpressionAttributeValues: { ':r': requestId },
    }),
  );
  doc.destroy();
}
