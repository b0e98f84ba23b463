/**
 * cognito-local: the user pool and app client, created as the stack defines
 * them (infra/constructs/auth.ts) as far as cognito-local stores them, with
 * the Cognito triggers wired to the local Lambda service.
 *
 * What cognito-local 5.3 does (read from its source; other code depends on it):
 * - Issuer: `http://127.0.0.1:<port>/<userPoolId>` (from its HOST/PORT env);
 *   pool ids look like `local_AbC12345`. JWKS: `GET <issuer>/.well-known/jwks.json`,
 *   one fixed RS256 key (kid `CognitoLocal`). Its openid-configuration
 *   document hard-codes localhost:9229 — don't use it.
 * - Access token: sub, client_id, username (= the user's internal name, the
 *   `sub` when the pool signs in by email), token_use "access",
 *   scope "aws.cognito.signin.user.admin", auth_time, iat, exp, jti, event_id,
 *   cognito:groups; no `aud`. Id token: sub, aud (client id), email,
 *   email_verified (boolean), cognito:username, token_use "id", custom:*
 *   attributes only — NOT `name` or other standard attributes.
 *   The refresh token is a JWT too (same key and issuer, no aud/client_id).
 * - AuthenticationResult has AccessToken, IdToken, RefreshToken only: no
 *   ExpiresIn and no TokenType (read `exp` from the token instead).
 * - Works: AdminCreateUser (MessageAction SUPPRESS without TemporaryPassword
 *   → random temporary password, status FORCE_CHANGE_PASSWORD, Username
 *   becomes the sub), AdminGetUser / AdminSetUserPassword (Permanent true →
 *   CONFIRMED) / AdminUpdateUserAttributes / AdminDeleteUser by email or sub,
 *   InitiateAuth USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH (also REFRESH_TOKEN),
 *   RespondToAuthChallenge NEW_PASSWORD_REQUIRED (needs ChallengeResponses
 *   USERNAME and NEW_PASSWORD and any non-empty Session — it is not checked),
 *   ForgotPassword / ConfirmForgotPassword (the code is printed on its console
 *   and stored as `ConfirmationCode` in `<cognitoDir>/.cognito/db/<poolId>.json`;
 *   the env var CODE fixes every code and temporary password), RevokeToken,
 *   AdminInitiateAuth (partial), GetUser, ChangePassword.
 * - Differs from Cognito: a FORCE_CHANGE_PASSWORD user gets the
 *   NEW_PASSWORD_REQUIRED challenge whatever password is sent; a wrong password
 *   is `InvalidPasswordException` (Cognito: NotAuthorizedException); an unknown
 *   user is NotAuthorizedException from InitiateAuth but UserNotFoundException
 *   from ForgotPassword (PreventUserExistenceErrors is ignored); email lookup is
 *   case-sensitive (normalise emails before calling it); password policy and
 *   ExplicitAuthFlows are stored but never enforced; a disabled user can still
 *   sign in; the refresh token returned by RespondToAuthChallenge is not
 *   stored, so REFRESH_TOKEN_AUTH with it fails (only InitiateAuth's works;
 *   cognito-fill.cjs stores it, below).
 * - Not supported (500 `CognitoLocal#Unsupported`): AdminUserGlobalSignOut,
 *   GlobalSignOut, AdminResetUserPassword, AdminRespondToAuthChallenge,
 *   AdminCreateUser MessageAction RESEND, ResendConfirmationCode, SRP,
 *   user pool domains / hosted UI. The custom auth flow (CUSTOM_AUTH with the
 *   Define/Create/VerifyAuthChallenge triggers) is not in cognito-local: it is
 *   added by cognito-server.ts, which runs cognito-local in-process.
 * - Two-factor authentication (TOTP; read from targets/associateSoftwareToken,
 *   verifySoftwareToken, setUserMFAPreference, initiateAuth,
 *   respondToAuthChallenge and services/totp):
 *   AssociateSoftwareToken (AccessToken only; the Session/MFA_SETUP form is
 *   refused) stores a new 20-byte base32 secret, unverified, replacing any
 *   other; VerifySoftwareToken checks the code (otplib: SHA-1, 6 digits, 30 s,
 *   ±30 s tolerance) and enables SOFTWARE_TOKEN_MFA; SetUserMFAPreference
 *   (AccessToken) turns it on or off, refusing to enable an unverified one.
 *   None of the three verifies the access token's signature — it is only
 *   decoded (Roster's gateway has verified it before any handler runs).
 *   InitiateAuth USER_PASSWORD_AUTH checks the password first, then, when the
 *   pool's MfaConfiguration is not OFF and the user has an MFA method, answers
 *   ChallengeName SOFTWARE_TOKEN_MFA with a random uuid Session (no tokens,
 *   no PostAuthentication trigger). RespondToAuthChallenge SOFTWARE_TOKEN_MFA
 *   does verify SOFTWARE_TOKEN_MFA_CODE against the verified secret
 *   (CodeMismatchException otherwise) and then issues tokens — but it never
 *   checks the Session (any non-empty string passes, any number of times) and
 *   limits no attempts; the same code is accepted again within its window.
 *   So Roster binds each challenge to the password step itself
 *   (lib/store/mfa-challenges.ts: issued by Roster to this login, five tries,
 *   five minutes, spent by the answer that gets tokens) — in AWS too, where
 *   it is a second lock on Cognito's own. Cognito checks every code; Roster
 *   never sees a TOTP secret after handing it to the person once.
 *   Missing, filled by cognito-fill.cjs (preloaded into the emulator):
 *   AdminSetUserMFAPreference (an admin's MFA reset), and storing the refresh
 *   token RespondToAuthChallenge returns (else it cannot refresh).
 * - State lives in files under its working directory (`.cognito/`); each start
 *   here gets a fresh temporary directory.
 *
 * Cognito triggers: cognito-local invokes the functions named in
 * `.cognito/config.json` `TriggerFunctions` through the Lambda API at its
 * `LambdaClient.endpoint`, and awaits them before answering (a failing trigger
 * is logged and ignored, where Cognito would refuse the sign-in). Here that
 * endpoint is the local Lambda service (infra/local/lambda.ts), a child process running
 * the TRIGGERS handlers with the environment the stack gives a trigger.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { TRIGGERS } from '../../../lib/http/routes.ts';
import { LOCAL_SENDER_KEY } from '../kms.ts';
import { type Child, CREDENTIALS, type EmulatorName, HOST, launch, REGION, resolveModule } from './process.ts';

const SERVER = fileURLToPath(new URL('./cognito-server.ts', import.meta.url));

/** Starts cognito-local on `port`, its state in `cognitoDir` (`.cognito/`). */
export function launchCognito(
  port: number,
  cognitoDir: string,
  env: NodeJS.ProcessEnv,
  onLog?: (source: EmulatorName, line: string) => void,
): Child {
  // cognito-local itself, plus Cognito's CUSTOM_AUTH flow (cognito-server.ts).
  return launch(
    'cognito',
    process.execPath,
    [
      // cognito-fill.cjs patches cognito-local's targets before cognito-server.ts loads its router.
      '-r',
      fileURLToPath(new URL('./cognito-fill.cjs', import.meta.url)),
      '--import',
      pathToFileURL(resolveModule('tsx')).href,
      SERVER,
    ],
    { cwd: cognitoDir, env: { ...env, HOST, PORT: String(port) } },
    onLog,
  );
}

/**
 * cognito-local's config: every TRIGGERS row as its `TriggerFunctions` entry
 * (`PostAuthentication: "postAuthentication"`), invoked through `endpoint`.
 */
export async function writeCognitoConfig(cognitoDir: string, endpoint: string): Promise<void> {
  const triggerFunctions = Object.fromEntries(
    TRIGGERS.map((t) => [`${t.trigger.charAt(0).toUpperCase()}${t.trigger.slice(1)}`, t.id]),
  );
  const configDir = join(cognitoDir, '.cognito');
  await mkdir(configDir, { recursive: true });
  await writeFile(
    join(configDir, 'config.json'),
    JSON.stringify({
      LambdaClient: { endpoint, region: REGION, credentials: CREDENTIALS },
      TriggerFunctions: triggerFunctions,
      // The custom email sender's codes are wrapped with this key, by the same local service.
      KMSConfig: {
        KMSKeyId: LOCAL_SENDER_KEY.arn,
        KMSKeyAlias: LOCAL_SENDER_KEY.alias,
        endpoint,
        region: REGION,
        credentials: CREDENTIALS,
      },
    }),
  );
}

/** Mirrors infra/constructs/auth.ts as far as cognito-local stores it. */
export async function createUserPool(endpoint: string): Promise<[userPoolId: string, clientId: string]> {
  const client = new CognitoIdentityProviderClient({ endpoint, region: REGION, credentials: CREDENTIALS });
  try {
    const { UserPool } = await client.send(
      new CreateUserPoolCommand({
        PoolName: 'roster-local',
        // As the stack's pool: a login that set up TOTP is asked for its code at every sign-in.
        MfaConfiguration: 'OPTIONAL',
        UsernameAttributes: ['email'],
        UsernameConfiguration: { CaseSensitive: false },
        AutoVerifiedAttributes: ['email'],
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
        Policies: {
          PasswordPolicy: {
            MinimumLength: 12,
            RequireUppercase: true,
            RequireLowercase: true,
            RequireNumbers: true,
            RequireSymbols: false,
            TemporaryPasswordValidityDays: 7,
          },
        },
      }),
    );
    const userPoolId = UserPool?.Id;
    if (!userPoolId) throw new Error('cognito-local returned no user pool id');
    const { UserPoolClient } = await client.send(
      new CreateUserPoolClientCommand({
        UserPoolId: userPoolId,
        ClientName: 'roster-local',
        GenerateSecret: false,
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        PreventUserExistenceErrors: 'ENABLED',
        EnableTokenRevocation: true,
        AccessTokenValidity: 60,
        IdTokenValidity: 60,
        RefreshTokenValidity: 30,
        TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
      }),
    );
    const clientId = UserPoolClient?.ClientId;
    if (!clientId) throw new Error('cognito-local returned no app client id');
    return [userPoolId, clientId];
  } finally {
    client.destroy();
  }
}
