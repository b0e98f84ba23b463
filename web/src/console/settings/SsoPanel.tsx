/**
 * Single sign-on (admins only, DESIGN §2a rule 14): the organisation's
 * connections to its identity providers — OpenID Connect or SAML 2.0 — each
 * with the values the IdP's admin pastes on their side (redirect URI, or ACS
 * URL and entity id) and Copy buttons; add, edit (name, domains, a new secret
 * or metadata) and remove with confirmation; and the SSO policy: require SSO
 * of the domains' members (the owner keeps a password: break-glass) and
 * just-in-time provisioning. The server's refusals are shown next to the field
 * they name (validation-failed `errors[].path`).
 */
import { type FormEvent, type ReactNode, type TextareaHTMLAttributes, useId, useState } from 'react';
import { ApiProblem, describe } from '../../api/problem';
import { useDomains } from '../../data/enterprise';
import { useUpdateTenant } from '../../data/settings';
import {
  type NewSsoConnection,
  SSO_CALLBACK_PATH,
  SSO_TYPE_LABELS,
  type SsoConnection,
  type SsoConnectionChange,
  useCreateSsoConnection,
  useDeleteSsoConnection,
  useSsoConnections,
  useUpdateSsoConnection,
} from '../../data/sso';
import { ConfirmDialog, Dialog, ErrorText } from '../../ui/Dialog';
import { CheckboxField, SelectField, TextField } from '../../ui/Field';
import { day } from '../../ui/format';
import { useConsole } from '../context';

type Fields = 'type' | 'name' | 'issuer' | 'clientId' | 'clientSecret' | 'metadataXml' | 'domains';

/**
 * A refusal split by form field: the message of each field its `errors[].path`
 * names (`body.domains.0` → domains; a `domain-unverified` refusal → domains),
 * and what no field shows, for under the form.
 */
export function problemByField(
  error: unknown,
  fields: readonly Fields[],
): { field: Partial<Record<Fields, string>>; rest?: string } {
  if (!error) return { field: {} };
  if (!(error instanceof ApiProblem)) return { field: {}, rest: describe(error) };
  if (error.code === 'domain-unverified' && fields.includes('domains')) {
    return { field: { domains: error.detail } };
  }
  const field: Partial<Record<Fields, string>> = {};
  const unplaced: string[] = [];
  for (const e of error.errors) {
    const name = fields.find((f) => e.path === `body.${f}` || e.path.startsWith(`body.${f}.`));
    if (name) field[name] = field[name] ? `${field[name]} ${e.message}` : e.message;
    else unplaced.push(e.path);
  }
  const placed = Object.keys(field).length > 0 && unplaced.length === 0;
  return { field, rest: placed ? undefined : describe(error) };
}

export function SsoPanel({ tenantId, onDone }: { tenantId: string; onDone: (s: string) => void }) {
  const connections = useSsoConnections(tenantId);
  const domains = useDomains(tenantId);
  const verified = (domains.data?.items ?? []).filter((d) => d.status === 'verified').map((d) => d.domain);
  const items = connections.data?.items ?? [];
  const origin = typeof location === 'undefined' ? '' : location.origin;
  // The values are the same for every connection: a saved one's are the server's own.
  const provider = items[0]?.serviceProvider;
  const callback = provider?.redirectUri ?? provider?.acsUrl ?? `${origin}${SSO_CALLBACK_PATH}`;
  const entityId = provider?.entityId ?? `${origin}/sso`;

  return (
    <section className="panel sso" aria-labelledby="sso-title">
      <h2 id="sso-title">Single sign-on</h2>
      <p>
        People whose address is in one of your verified domains sign in with your identity provider (Okta, Microsoft
        Entra ID, Google Workspace, or any OpenID Connect or SAML 2.0 provider) by choosing Continue with SSO. When IT
        removes someone there, they can no longer sign in here.
      </p>
      <SsoPolicyForm tenantId={tenantId} onDone={onDone} />
      <h3>Connections</h3>
      {connections.error ? <ErrorText>{describe(connections.error)}</ErrorText> : null}
      {connections.data && items.length === 0 ? <p>No connections yet.</p> : null}
      <ul className="sso-list">
        {items.map((c) => (
          <ConnectionItem key={c.id} tenantId={tenantId} connection={c} verified={verified} onDone={onDone} />
        ))}
      </ul>
      <AddConnectionForm
        tenantId={tenantId}
        verified={verified}
        domainsLoaded={domains.isSuccess}
        callback={callback}
        entityId={entityId}
        onDone={onDone}
      />
    </section>
  );
}

function SsoPolicyForm({ tenantId, onDone }: { tenantId: string; onDone: (s: string) => void }) {
  const { me } = useConsole();
  const policy = me.tenant.sso ?? { required: false, jitProvisioning: false };
  const update = useUpdateTenant(tenantId);
  const [required, setRequired] = useState(policy.required);
  const [jit, setJit] = useState(policy.jitProvisioning);
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    update.mutate(
      { sso: { required, jitProvisioning: jit } },
      {
        onSuccess: (t) =>
          onDone(
            t.sso.required
              ? 'Single sign-on is required: members in your connections’ domains can no longer sign in with a password (the owner still can).'
              : 'Single sign-on policy saved: members may also sign in with a password.',
          ),
      },
    );
  }
  return (
    <form onSubmit={submit} className="narrow" aria-labelledby="sso-policy-title">
      <h3 id="sso-policy-title">Policy</h3>
      <CheckboxField
        label="Require single sign-on for members in these domains"
        name="required"
        checked={required}
        onChange={(e) => setRequired(e.target.checked)}
        hint="Members whose address is in a domain of a connection below can no longer sign in with a password. The owner keeps theirs as the break-glass way in, should the identity provider be down or misconfigured. Members who joined with a password move over at their first “Continue with SSO”: a login your organisation created is linked at once; any other confirms once with its Roster password."
      />
      <CheckboxField
        label="Create members at their first SSO sign-in"
        name="jitProvisioning"
        checked={jit}
        onChange={(e) => setJit(e.target.checked)}
        hint="Just-in-time provisioning: someone your identity provider signs in, with an address in a verified domain, joins as an agent (a seat permitting). Off: they must be invited first."
      />
      {update.error ? <ErrorText>{describe(update.error)}</ErrorText> : null}
      <button type="submit" className="primary" disabled={update.isPending}>
        {update.isPending ? 'Saving…' : 'Save single sign-on policy'}
      </button>
    </form>
  );
}

function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="link"
      aria-label={`Copy ${label}`}
      onClick={() =>
        void navigator.clipboard?.writeText(text).then(
          () => setCopied(true),
          () => setCopied(false),
        )
      }
    >
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}

/** One value the IdP's admin pastes, with its Copy button. */
function Value({ term, value, of }: { term: string; value: string; of: string }) {
  return (
    <>
      <dt>{term}</dt>
      <dd>
        <code>{value}</code> <CopyButton text={value} label={`the ${term.toLowerCase()} ${of}`} />
      </dd>
    </>
  );
}

function ConnectionItem({
  tenantId,
  connection: c,
  verified,
  onDone,
}: {
  tenantId: string;
  connection: SsoConnection;
  verified: string[];
  onDone: (s: string) => void;
}) {
  const remove = useDeleteSsoConnection(tenantId);
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const sp = c.serviceProvider;
  const of = `of ${c.name}`;
  return (
    <li className="sso-connection" aria-label={c.name}>
      <h4>{c.name}</h4>
      <dl className="facts">
        <dt>Type</dt>
        <dd>{SSO_TYPE_LABELS[c.type]}</dd>
        <dt>Domains</dt>
        <dd>{c.domains.join(', ')}</dd>
        <dt>Added</dt>
        <dd>{day(c.createdAt)}</dd>
        {c.issuer ? (
          <>
            <dt>Issuer</dt>
            <dd>{c.issuer}</dd>
          </>
        ) : null}
        {c.clientId ? (
          <>
            <dt>Client ID</dt>
            <dd>{c.clientId}</dd>
          </>
        ) : null}
        {c.idpEntityId ? (
          <>
            <dt>IdP entity ID</dt>
            <dd>{c.idpEntityId}</dd>
          </>
        ) : null}
      </dl>
      <p>What your identity provider needs:</p>
      <dl className="sso-values">
        {sp.redirectUri ? <Value term="Redirect URI" value={sp.redirectUri} of={of} /> : null}
        {sp.acsUrl ? <Value term="ACS URL" value={sp.acsUrl} of={of} /> : null}
        {sp.entityId ? <Value term="Entity ID" value={sp.entityId} of={of} /> : null}
        <Value term="Sign-in URL" value={sp.startUrl} of={of} />
      </dl>
      <div className="actions">
        <button type="button" onClick={() => setEditing(true)}>
          Edit {c.name}…
        </button>
        <button type="button" className="danger" onClick={() => setConfirming(true)}>
          Remove {c.name}…
        </button>
      </div>
      {editing ? (
        <EditConnectionDialog
          tenantId={tenantId}
          connection={c}
          verified={verified}
          onClose={() => setEditing(false)}
          onDone={onDone}
        />
      ) : null}
      {confirming ? (
        <ConfirmDialog
          title={`Remove ${c.name}?`}
          confirmLabel="Remove connection"
          pending={remove.isPending}
          error={remove.error ? describe(remove.error) : undefined}
          onClose={() => setConfirming(false)}
          onConfirm={() =>
            remove.mutate(c.id, {
              onSuccess: () => {
                setConfirming(false);
                onDone(`The connection ${c.name} was removed.`);
              },
            })
          }
        >
          <p>
            People at {c.domains.join(', ')} can no longer sign in through it. Members who joined through it stay, and
            can sign in with a password only once they set one (Forgot password) — unless single sign-on is required.
          </p>
        </ConfirmDialog>
      ) : null}
    </li>
  );
}

/** The connection's domains: the tenant's verified ones as checkboxes, the refusal under them. */
function DomainChoice({
  verified,
  chosen,
  onChange,
  error,
}: {
  verified: string[];
  chosen: string[];
  onChange: (next: string[]) => void;
  error?: string;
}) {
  const id = useId();
  const options = [...new Set([...verified, ...chosen])];
  return (
    <fieldset className="field" aria-describedby={error ? `${id}-error` : `${id}-hint`}>
      <legend>Domains</legend>
      <p className="hint" id={`${id}-hint`}>
        People with an address in a chosen domain sign in through this connection. Only verified domains can be chosen.
      </p>
      {options.length === 0 ? <p>Verify a domain above first.</p> : null}
      {options.map((d) => (
        <CheckboxField
          key={d}
          label={d}
          name="domains"
          value={d}
          checked={chosen.includes(d)}
          onChange={(e) => onChange(e.target.checked ? [...chosen, d] : chosen.filter((x) => x !== d))}
        />
      ))}
      {error ? (
        <p className="error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

function TextAreaField({
  label,
  hint,
  error,
  ...area
}: { label: string; hint?: ReactNode; error?: string } & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = useId();
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea id={id} aria-invalid={error ? true : undefined} aria-describedby={described} {...area} />
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

function AddConnectionForm({
  tenantId,
  verified,
  domainsLoaded,
  callback,
  entityId,
  onDone,
}: {
  tenantId: string;
  verified: string[];
  domainsLoaded: boolean;
  callback: string;
  entityId: string;
  onDone: (s: string) => void;
}) {
  const create = useCreateSsoConnection(tenantId);
  const [type, setType] = useState<'oidc' | 'saml'>('oidc');
  const [name, setName] = useState('');
  const [issuer, setIssuer] = useState('');
  const [clientId, setClientId] = useState('');
  const [clientSecret, setClientSecret] = useState('');
  const [metadataXml, setMetadataXml] = useState('');
  const [domains, setDomains] = useState<string[]>([]);
  const errors = problemByField(create.error, [
    'type',
    'name',
    'issuer',
    'clientId',
    'clientSecret',
    'metadataXml',
    'domains',
  ]);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const body: NewSsoConnection =
      type === 'oidc'
        ? { type, name: name.trim(), issuer: issuer.trim(), clientId: clientId.trim(), clientSecret, domains }
        : { type, name: name.trim(), metadataXml, domains };
    create.mutate(body, {
      onSuccess: (c) => {
        setName('');
        setIssuer('');
        setClientId('');
        setClientSecret('');
        setMetadataXml('');
        setDomains([]);
        onDone(`The connection ${c.name} was added: people at ${c.domains.join(', ')} can now continue with SSO.`);
      },
    });
  }

  return (
    <form onSubmit={submit} className="narrow" aria-labelledby="sso-add-title">
      <h3 id="sso-add-title">Add a connection</h3>
      <p>First register Roster at your identity provider with these values; it gives you what the form asks for.</p>
      <dl className="sso-values">
        {type === 'oidc' ? (
          <Value term="Redirect URI" value={callback} of="to register" />
        ) : (
          <>
            <Value term="ACS URL" value={callback} of="to register" />
            <Value term="Entity ID" value={entityId} of="to register" />
          </>
        )}
      </dl>
      <SelectField
        label="Type"
        name="type"
        value={type}
        onChange={(e) => setType(e.target.value as 'oidc' | 'saml')}
        error={errors.field.type}
      >
        <option value="oidc">{SSO_TYPE_LABELS.oidc}</option>
        <option value="saml">{SSO_TYPE_LABELS.saml}</option>
      </SelectField>
      <TextField
        label="Name"
        name="name"
        required
        maxLength={100}
        value={name}
        onChange={(e) => setName(e.target.value)}
        placeholder="Okta"
        hint="People see it on the sign-in page."
        error={errors.field.name}
      />
      {type === 'oidc' ? (
        <>
          <TextField
            label="Issuer URL"
            name="issuer"
            type="url"
            required
            maxLength={500}
            value={issuer}
            onChange={(e) => setIssuer(e.target.value)}
            placeholder="https://acme.okta.com"
            hint="Roster reads its OpenID configuration (/.well-known/openid-configuration) when you save."
            error={errors.field.issuer}
          />
          <TextField
            label="Client ID"
            name="clientId"
            required
            maxLength={500}
            autoComplete="off"
            value={clientId}
            onChange={(e) => setClientId(e.target.value)}
            error={errors.field.clientId}
          />
          <TextField
            label="Client secret"
            name="clientSecret"
            type="password"
            required
            maxLength={1000}
            autoComplete="new-password"
            value={clientSecret}
            onChange={(e) => setClientSecret(e.target.value)}
            hint="Stored for the sign-in and never shown again."
            error={errors.field.clientSecret}
          />
        </>
      ) : (
        <TextAreaField
          label="IdP metadata XML"
          name="metadataXml"
          required
          rows={6}
          maxLength={200_000}
          value={metadataXml}
          onChange={(e) => setMetadataXml(e.target.value)}
          hint="Your identity provider’s SAML 2.0 metadata document (EntityDescriptor), pasted whole."
          error={errors.field.metadataXml}
        />
      )}
      <DomainChoice verified={verified} chosen={domains} onChange={setDomains} error={errors.field.domains} />
      {errors.rest ? <ErrorText>{errors.rest}</ErrorText> : null}
      <button
        type="submit"
        className="primary"
        disabled={create.isPending || (domainsLoaded && verified.length === 0) || domains.length === 0}
      >
        {create.isPending ? 'Adding…' : 'Add connection'}
      </button>
    </form>
  );
}

function EditConnectionDialog({
  tenantId,
  connection: c,
  verified,
  onClose,
  onDone,
}: {
  tenantId: string;
  connection: SsoConnection;
  verified: string[];
  onClose: () => void;
  onDone: (s: string) => void;
}) {
  const update = useUpdateSsoConnection(tenantId);
  const [name, setName] = useState(c.name);
  const [domains, setDomains] = useState<string[]>(c.domains);
  const [secret, setSecret] = useState('');
  const [metadataXml, setMetadataXml] = useState('');
  const errors = problemByField(update.error, ['name', 'clientSecret', 'metadataXml', 'domains']);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const change: SsoConnectionChange = {};
    if (name.trim() !== c.name) change.name = name.trim();
    if (domains.length !== c.domains.length || domains.some((d) => !c.domains.includes(d))) change.domains = domains;
    if (c.type === 'oidc' && secret !== '') change.clientSecret = secret;
    if (c.type === 'saml' && metadataXml.trim() !== '') change.metadataXml = metadataXml;
    if (Object.keys(change).length === 0) {
      onClose();
      return;
    }
    update.mutate(
      { connectionId: c.id, change },
      {
        onSuccess: (next) => {
          onClose();
          onDone(`The connection ${next.name} was saved.`);
        },
      },
    );
  }

  return (
    <Dialog title={`Edit ${c.name}`} onClose={onClose}>
      <form onSubmit={submit}>
        <TextField
          label="Name"
          name="name"
          required
          maxLength={100}
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={errors.field.name}
        />
        <DomainChoice verified={verified} chosen={domains} onChange={setDomains} error={errors.field.domains} />
        {c.type === 'oidc' ? (
          <TextField
            label="New client secret"
            name="clientSecret"
            type="password"
            maxLength={1000}
            autoComplete="new-password"
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
            hint="Leave empty to keep the current one."
            error={errors.field.clientSecret}
          />
        ) : (
          <TextAreaField
            label="New IdP metadata XML"
            name="metadataXml"
            rows={5}
            maxLength={200_000}
            value={metadataXml}
            onChange={(e) => setMetadataXml(e.target.value)}
            hint="Leave empty to keep the current metadata (paste the new one when your IdP rotates its certificate)."
            error={errors.field.metadataXml}
          />
        )}
        {errors.rest ? <ErrorText>{errors.rest}</ErrorText> : null}
        <div className="actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={update.isPending || domains.length === 0}>
            {update.isPending ? 'Saving…' : 'Save connection'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
