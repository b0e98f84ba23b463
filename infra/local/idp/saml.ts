/**
 * A real SAML 2.0 identity provider (`samlify`) on loopback: the demo IdP
 * `npm start` can offer and the one the SAML tests sign in at. Its key and
 * certificate are made at start (`selfsigned`); it serves its metadata
 * (GET /metadata), takes Roster's AuthnRequest by the HTTP-Redirect binding
 * (GET /sso, parsed and schema-validated by samlify), shows a login form
 * (email and name; any password) and answers with an auto-submitting form
 * that POSTs a Response carrying a signed Assertion to the ACS URL, with the
 * RelayState it was given. `mint` makes responses directly, for the attack
 * tests (unsigned, signed by another key, any field wrong).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import * as validator from '@authenio/samlify-xmllint-wasm';
import * as samlify from 'samlify';
import { generate } from 'selfsigned';

const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
/** The attribute names Entra ID sends (Okta is told to send the same ones: docs/sso-saml.md). */
export const ATTRIBUTE = {
  email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
  name: 'http://schemas.microsoft.com/identity/claims/displayname',
} as const;

samlify.setSchemaValidator(validator);

export interface SigningKey {
  privateKey: string;
  cert: string;
}

/** A fresh RSA key and self-signed certificate (the IdP's, or an attacker's). */
export async function signingKey(commonName = 'Roster local SAML IdP'): Promise<SigningKey> {
  const made = await generate([{ name: 'commonName', value: commonName }], {
    keySize: 2048,
    algorithm: 'sha256',
  });
  return { privateKey: made.private, cert: made.cert };
}

/** What one assertion says; every field defaults to what a correct IdP would send. */
export interface AssertionFields {
  /** NameID (email format). */
  nameId: string;
  email?: string;
  name?: string;
  /** The AuthnRequest this answers (Response and SubjectConfirmationData); none for an IdP-initiated one. */
  inResponseTo?: string;
  issuer?: string;
  audience?: string;
  /** SubjectConfirmationData Recipient. */
  recipient?: string;
  /** The Response's Destination. */
  destination?: string;
  notOnOrAfter?: Date;
  issuedAt?: Date;
}

export interface MintOptions extends AssertionFields {
  /** Who signs the Assertion: the IdP's own key (default), another key, or nobody. */
  signer?: 'idp' | 'none' | SigningKey;
  /** Also sign the whole Response with the IdP's key (Entra's "Sign SAML response and assertion"). */
  signResponse?: boolean;
}

export interface SamlIdp {
  entityId: string;
  metadataUrl: string;
  metadataXml: string;
  ssoUrl: string;
  /** The Response XML of `options` (signed as asked), not yet encoded. */
  mintXml(options: MintOptions): string;
  /** The same, base64: a SAMLResponse form value. */
  mint(options: MintOptions): string;
  /** Signs the (first) Assertion of a Response with `key` (a wrapped response re-signed). */
  signAssertion(responseXml: string, key?: SigningKey | 'idp'): string;
  stop(): Promise<void>;
}

export interface SamlIdpOptions {
  port: number;
  /** Roster's ACS URL (its SSO callback) and SP entity id. */
  acsUrl: string;
  spEntityId: string;
  host?: string;
}

const escapeXml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);

const TEMPLATE =
  '<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{ID}" Version="2.0" IssueInstant="{IssueInstant}" Destination="{Destination}" InResponseTo="{InResponseTo}">' +
  '<saml:Issuer>{Issuer}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>' +
  '<saml:Assertion ID="{AssertionID}" Version="2.0" IssueInstant="{IssueInstant}"><saml:Issuer>{Issuer}</saml:Issuer>' +
  `<saml:Subject><saml:NameID Format="${EMAIL_FORMAT}">{NameID}</saml:NameID>` +
  '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="{NotOnOrAfter}" Recipient="{Recipient}" InResponseTo="{InResponseTo}"/></saml:SubjectConfirmation></saml:Subject>' +
  '<saml:Conditions NotBefore="{NotBefore}" NotOnOrAfter="{NotOnOrAfter}"><saml:AudienceRestriction><saml:Audience>{Audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions>' +
  '<saml:AuthnStatement AuthnInstant="{IssueInstant}" SessionIndex="{AssertionID}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>' +
  '{AttributeStatement}</saml:Assertion></samlp:Response>';

function attributeStatement(fields: AssertionFields): string {
  const values: [string, string | undefined][] = [
    [ATTRIBUTE.email, fields.email],
    [ATTRIBUTE.name, fields.name],
  ];
  const present = values.filter((v): v is [string, string] => typeof v[1] === 'string');
  if (present.length === 0) return '';
  const attrs = present
    .map(
      ([name, value]) =>
        `<saml:Attribute Name="${escapeXml(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri"><saml:AttributeValue>${escapeXml(value)}</saml:AttributeValue></saml:Attribute>`,
    )
    .join('');
  return `<saml:AttributeStatement>${attrs}</saml:AttributeStatement>`;
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)}</title><style>body{font:16px system-ui,sans-serif;max-width:26rem;margin:4rem auto;padding:0 1rem}label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.4rem;box-sizing:border-box}button{margin-top:1rem;padding:.5rem 1rem}</style></head><body>${body}</body></html>`;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64_000) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export async function startSamlIdp(options: SamlIdpOptions): Promise<SamlIdp> {
  const host = options.host ?? '127.0.0.1';
  const base = `http://${host}:${options.port}`;
  const entityId = `${base}/metadata`;
  const ssoUrl = `${base}/sso`;
  const key = await signingKey();
  const idp = samlify.IdentityProvider({
    entityID: entityId,
    privateKey: key.privateKey,
    signingCert: key.cert,
    nameIDFormat: [EMAIL_FORMAT],
    requestSignatureAlgorithm: RSA_SHA256,
    singleSignOnService: [{ Binding: samlify.Constants.namespace.binding.redirect, Location: ssoUrl }],
    // Served only as a "signed out" page: the metadata must name one.
    singleLogoutService: [{ Binding: samlify.Constants.namespace.binding.redirect, Location: `${base}/slo` }],
  });
  const sp = samlify.ServiceProvider({
    entityID: options.spEntityId,
    wantAssertionsSigned: true,
    assertionConsumerService: [{ Binding: samlify.Constants.namespace.binding.post, Location: options.acsUrl }],
  });
  const metadataXml = idp.getMetadata();

  function responseXml(fields: AssertionFields): { id: string; xml: string } {
    const now = fields.issuedAt ?? new Date();
    const until = fields.notOnOrAfter ?? new Date(now.getTime() + 5 * 60_000);
    const id = `_${randomUUID()}`;
    const xml = samlify.SamlLib.replaceTagsByValue(TEMPLATE, {
      ID: id,
      AssertionID: `_${randomUUID()}`,
      IssueInstant: now.toISOString(),
      NotBefore: now.toISOString(),
      NotOnOrAfter: until.toISOString(),
      Destination: fields.destination ?? options.acsUrl,
      Recipient: fields.recipient ?? options.acsUrl,
      Audience: fields.audience ?? options.spEntityId,
      Issuer: fields.issuer ?? entityId,
      NameID: fields.nameId,
      InResponseTo: fields.inResponseTo,
    });
    // The attribute statement is markup (its values escaped above), so it goes in after the tags.
    return { id, xml: xml.replace('{AttributeStatement}', attributeStatement(fields)) };
  }

  function signAssertion(xml: string, signer: SigningKey | 'idp' = 'idp'): string {
    const k = signer === 'idp' ? key : signer;
    return samlify.SamlLib.constructSAMLSignature({
      rawSamlMessage: xml,
      referenceTagXPath: "/*[local-name(.)='Response']/*[local-name(.)='Assertion']",
      privateKey: k.privateKey,
      signatureAlgorithm: RSA_SHA256,
      // samlify wants the certificate's base64 body, as metadata carries it.
      signingCert: k.cert.replace(/-----[^-]+-----|\s+/g, ''),
      isBase64Output: false,
      signatureConfig: {
        prefix: 'ds',
        location: {
          reference: "/*[local-name(.)='Response']/*[local-name(.)='Assertion']/*[local-name(.)='Issuer']",
          action: 'after',
        },
      },
    });
  }

  function signResponse(xml: string): string {
    return samlify.SamlLib.constructSAMLSignature({
      rawSamlMessage: xml,
      isMessageSigned: true,
      privateKey: key.privateKey,
      signatureAlgorithm: RSA_SHA256,
      signingCert: key.cert.replace(/-----[^-]+-----|\s+/g, ''),
      isBase64Output: false,
      signatureConfig: {
        prefix: 'ds',
        location: { reference: "/*[local-name(.)='Response']/*[local-name(.)='Issuer']", action: 'after' },
      },
    });
  }

  function mintXml(mint: MintOptions): string {
    const { xml } = responseXml(mint);
    const signer = mint.signer ?? 'idp';
    const signed = signer === 'none' ? xml : signAssertion(xml, signer);
    return mint.signResponse ? signResponse(signed) : signed;
  }

  /** Sign-ins waiting at the login form: the AuthnRequest id and RelayState, by a one-off key. */
  const pending = new Map<string, { requestId: string; relayState: string }>();

  const server: Server = createServer((req, res) => {
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    const url = new URL(req.url ?? '/', base);
    (async () => {
      if (req.method === 'GET' && url.pathname === '/metadata') {
        return send(200, 'application/samlmetadata+xml', metadataXml);
      }
      if (req.method === 'GET' && url.pathname === '/sso') {
        const query = Object.fromEntries(url.searchParams);
        let requestId: string;
        try {
          const parsed = await idp.parseLoginRequest(sp, 'redirect', { query });
          requestId = String(parsed.extract?.request?.id ?? '');
          const acs = parsed.extract?.request?.assertionConsumerServiceUrl;
          if (!requestId) throw new Error('no request id');
          if (acs && acs !== options.acsUrl) throw new Error(`unknown ACS URL ${acs}`);
        } catch (error) {
          return send(400, 'text/plain', `Bad AuthnRequest: ${(error as Error).message}`);
        }
        const txn = randomUUID();
        pending.set(txn, { requestId, relayState: url.searchParams.get('RelayState') ?? '' });
        return send(
          200,
          'text/html; charset=utf-8',
          page(
            'Sign in — local SAML IdP',
            `<main><h1>Local SAML IdP</h1><p>Any password works.</p><form method="post" action="/login">` +
              `<input type="hidden" name="txn" value="${txn}">` +
              '<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required>' +
              '<label for="name">Name</label><input id="name" name="name" autocomplete="name">' +
              '<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password">' +
              '<button type="submit">Sign in</button></form></main>',
          ),
        );
      }
      if (req.method === 'POST' && url.pathname === '/login') {
        const form = await readForm(req);
        const waiting = pending.get(form.get('txn') ?? '');
        const email = (form.get('email') ?? '').trim();
        if (!waiting || !email) return send(400, 'text/plain', 'Unknown sign-in or no email');
        pending.delete(form.get('txn') ?? '');
        const name = (form.get('name') ?? '').trim() || email.split('@')[0];
        const answer = await idp.createLoginResponse(
          sp,
          { extract: { request: { id: waiting.requestId } } } as never,
          'post',
          { email },
          {
            relayState: waiting.relayState,
            customTagReplacement: () => {
              const { id, xml } = responseXml({ nameId: email, email, name, inResponseTo: waiting.requestId });
              return { id, context: xml };
            },
          },
        );
        const { context, entityEndpoint } = answer as { context: string; entityEndpoint: string };
        return send(
          200,
          'text/html; charset=utf-8',
          page(
            'Signing you in…',
            `<main><form id="saml" method="post" action="${escapeXml(entityEndpoint)}">` +
              `<input type="hidden" name="SAMLResponse" value="${escapeXml(context)}">` +
              `<input type="hidden" name="RelayState" value="${escapeXml(waiting.relayState)}">` +
              '<noscript><button type="submit">Continue</button></noscript></form>' +
              '<script>document.getElementById("saml").submit()</script></main>',
          ),
        );
      }
      if (url.pathname === '/slo')
        return send(200, 'text/html; charset=utf-8', page('Signed out', '<main><h1>Signed out</h1></main>'));
      return send(404, 'text/plain', 'Not found');
    })().catch((error: unknown) => send(500, 'text/plain', `IdP error: ${(error as Error).message}`));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  return {
    entityId,
    metadataUrl: entityId,
    metadataXml,
    ssoUrl,
    mintXml,
    mint: (mint) => Buffer.from(mintXml(mint), 'utf8').toString('base64'),
    signAssertion,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
