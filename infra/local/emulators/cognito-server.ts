/**
 * cognito-local with Cognito's custom authentication flow (docs/architecture.md,
 * "Single sign-on"): the SSO callback ends in `InitiateAuth CUSTOM_AUTH` +
 * `RespondToAuthChallenge CUSTOM_CHALLENGE`, which cognito-local 5.3 does not
 * implement. This script starts cognito-local exactly as its own
 * `lib/bin/start.js` does (same services, data directory, key, issuer and
 * token generator) and answers those two calls the way Cognito does:
 *
 * - InitiateAuth / AdminInitiateAuth with AuthFlow CUSTOM_AUTH: the user must
 *   exist and be enabled; the DefineAuthChallenge trigger is invoked with the
 *   empty session, then CreateAuthChallenge; the answer is the challenge's
 *   public parameters and an opaque Session (kept here, 3 minutes, like
 *   Cognito's session).
 * - RespondToAuthChallenge / AdminRespondToAuthChallenge CUSTOM_CHALLENGE:
 *   VerifyAuthChallengeResponse gets the private parameters and the answer;
 *   DefineAuthChallenge decides (issueTokens / failAuthentication / another
 *   round). On issueTokens, PostAuthentication runs and the tokens come from
 *   cognito-local's own generator, the refresh token stored on the user as
 *   InitiateAuth stores it — so REFRESH_TOKEN_AUTH works on them unchanged.
 *
 * Every other call goes to cognito-local's own router untouched. The triggers
 * are invoked through the local Lambda service (config `TriggerFunctions`),
 * as cognito-local invokes its own.
 *
 *   node --import tsx infra/local/emulators/cognito-server.ts   (cwd: the cognito dir, env PORT/HOST)
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const cognitoLocal = join(createRequire(import.meta.url).resolve('cognito-local/package.json'), '..');
const load = createRequire(join(cognitoLocal, 'package.json'));
// biome-ignore lint/suspicious/noExplicitAny: cognito-local ships CommonJS without usable types for its internals.
type Any = any;

const AWS: Any = load('aws-sdk');
const pino: Any = load('pino');
const pinoPretty: Any = load('pino-pretty');
const { DateClock, TriggersService, LambdaService, MessagesService }: Any = load('./lib/services');
const { CognitoServiceFactoryImpl }: Any = load('./lib/services/cognitoService');
const { CryptoService }: Any = load('./lib/services/crypto');
const { StormDBDataStoreFactory }: Any = load('./lib/services/dataStore/stormDb');
const { ConsoleMessageSender }: Any = load('./lib/services/messageDelivery/consoleMessageSender');
const { MessageDeliveryService }: Any = load('./lib/services/messageDelivery/messageDelivery');
const { otp }: Any = load('./lib/services/otp');
const { JwtTokenGenerator }: Any = load('./lib/services/tokenGenerator');
const { UserPoolServiceFactoryImpl }: Any = load('./lib/services/userPoolService');
const { loadConfig }: Any = load('./lib/server/config');
const { Router }: Any = load('./lib/server/Router');
const { createServer }: Any = load('./lib/server/server');
const errors: Any = load('./lib/errors');

/** Cognito's custom-auth session lives 3 minutes. */
const SESSION_MS = 3 * 60_000;
/** Cognito allows at most this many challenge rounds. */
const MAX_ROUNDS = 5;

interface ChallengeResult {
  challengeName: string;
  challengeResult: boolean;
  challengeMetadata?: string;
}
interface Pending {
  clientId: string;
  username: string;
  rounds: ChallengeResult[];
  privateParameters: Record<string, string>;
  metadata?: string;
  expiresAt: number;
}

const logger = pino({ level: process.env.DEBUG ? 'debug' : 'info' }, pinoPretty({ colorize: false, singleLine: true }));

async function main() {
  const ctx = { logger };
  const config = await loadConfig(ctx, new StormDBDataStoreFactory('.cognito'));
  const clock = new DateClock();
  const dataStoreFactory = new StormDBDataStoreFactory('.cognito/db');
  const cognitoServiceFactory = new CognitoServiceFactoryImpl(
    '.cognito/db',
    dataStoreFactory,
    new UserPoolServiceFactoryImpl(clock, dataStoreFactory),
  );
  const cognito = await cognitoServiceFactory.create(ctx, config.UserPoolDefaults);
  const lambda = new AWS.Lambda(config.LambdaClient);
  const triggers = new TriggersService(
    clock,
    cognito,
    new LambdaService(config.TriggerFunctions, lambda),
    new CryptoService(config.KMSConfig),
  );
  const services = {
    clock,
    cognito,
    config,
    messages: new MessagesService(triggers, new MessageDeliveryService(new ConsoleMessageSender())),
    otp,
    tokenGenerator: new JwtTokenGenerator(clock, triggers, config.TokenConfig),
    triggers,
  };
  const functions: Record<string, string> = config.TriggerFunctions ?? {};
  const sessions = new Map<string, Pending>();

  /** Invokes a custom-auth trigger with Cognito's event shape; its `response` is the answer. */
  async function invokeTrigger(
    trigger: 'DefineAuthChallenge' | 'CreateAuthChallenge' | 'VerifyAuthChallengeResponse',
    base: { userPoolId: string; clientId: string; user: Any },
    request: Record<string, unknown>,
  ): Promise<Record<string, Any>> {
    const name = functions[trigger];
    if (!name) throw new errors.UnsupportedError(`CUSTOM_AUTH needs the ${trigger} trigger`);
    const triggerSource = {
      DefineAuthChallenge: 'DefineAuthChallenge_Authentication',
      CreateAuthChallenge: 'CreateAuthChallenge_Authentication',
      VerifyAuthChallengeResponse: 'VerifyAuthChallengeResponse_Authentication',
    }[trigger];
    const attributes = Object.fromEntries(
      (base.user.Attributes ?? []).map((a: { Name: string; Value: string }) => [a.Name, a.Value]),
    );
    const event = {
      version: '1',
      region: config.LambdaClient?.region ?? 'us-east-1',
      userPoolId: base.userPoolId,
      userName: base.user.Username,
      callerContext: { awsSdkVersion: 'cognito-local', clientId: base.clientId },
      triggerSource,
      request: { userAttributes: attributes, ...request },
      response: {},
    };
    let out: Any;
    try {
      out = await lambda
        .invoke({ FunctionName: name, InvocationType: 'RequestResponse', Payload: JSON.stringify(event) })
        .promise();
    } catch (error) {
      logger.error(error);
      throw new errors.UnexpectedLambdaExceptionError();
    }
    // Cognito refuses the sign-in when a trigger fails (cognito-local's own would log and go on).
    if (out.FunctionError) throw new errors.UserLambdaValidationError(`${trigger} failed`);
    const payload = JSON.parse(String(out.Payload ?? '{}'));
    return payload?.response ?? {};
  }

  async function userAndPool(clientId: string, username: string) {
    const pool = await cognito.getUserPoolForClientId(ctx, clientId);
    const appClient = await cognito.getAppClient(ctx, clientId);
    if (!appClient) throw new errors.NotAuthorizedError();
    const user = username ? await pool.getUserByUsername(ctx, username) : undefined;
    if (!user || user.Enabled === false) throw new errors.NotAuthorizedError();
    return { pool, appClient, user };
  }

  /** One round: ask Define what next, and either issue, fail or create the next challenge. */
  async function next(pending: Pending, pool: Any, appClient: Any, user: Any) {
    const base = { userPoolId: pool.options.Id, clientId: pending.clientId, user };
    const decision = await invokeTrigger('DefineAuthChallenge', base, { session: pending.rounds });
    if (decision.failAuthentication === true || pending.rounds.length >= MAX_ROUNDS) {
      throw new errors.NotAuthorizedError();
    }
    if (decision.issueTokens === true) {
      if (triggers.enabled('PostAuthentication')) {
        await triggers.postAuthentication(ctx, {
          clientId: pending.clientId,
          clientMetadata: undefined,
          source: 'PostAuthentication_Authentication',
          userAttributes: user.Attributes,
          username: user.Username,
          userPoolId: pool.options.Id,
        });
      }
      const groups = await pool.listUserGroupMembership(ctx, user);
      const tokens = await services.tokenGenerator.generate(ctx, user, groups, appClient, undefined, 'Authentication');
      await pool.storeRefreshToken(ctx, tokens.RefreshToken, user);
      return { ChallengeParameters: {}, AuthenticationResult: tokens };
    }
    if (decision.challengeName !== 'CUSTOM_CHALLENGE') {
      throw new errors.UnsupportedError(`CUSTOM_AUTH challenge ${decision.challengeName}`);
    }
    const created = await invokeTrigger('CreateAuthChallenge', base, {
      challengeName: 'CUSTOM_CHALLENGE',
      session: pending.rounds,
    });
    pending.privateParameters = created.privateChallengeParameters ?? {};
    pending.metadata = created.challengeMetadata;
    pending.expiresAt = Date.now() + SESSION_MS;
    const session = randomUUID();
    sessions.set(session, pending);
    return {
      ChallengeName: 'CUSTOM_CHALLENGE',
      ChallengeParameters: { USERNAME: user.Username, ...(created.publicChallengeParameters ?? {}) },
      Session: session,
    };
  }

  async function initiateCustom(req: Any) {
    const username = req.AuthParameters?.USERNAME;
    if (!username) throw new errors.InvalidParameterError('AuthParameters USERNAME is required');
    const { pool, appClient, user } = await userAndPool(req.ClientId, username);
    return next(
      { clientId: req.ClientId, username, rounds: [], privateParameters: {}, expiresAt: 0 },
      pool,
      appClient,
      user,
    );
  }

  async function respondCustom(req: Any) {
    const pending = sessions.get(req.Session ?? '');
    // A session answers once, within its lifetime, for the client and user it was made for.
    sessions.delete(req.Session ?? '');
    if (
      !pending ||
      pending.expiresAt < Date.now() ||
      pending.clientId !== req.ClientId ||
      (req.ChallengeResponses?.USERNAME !== undefined && req.ChallengeResponses.USERNAME !== pending.username)
    ) {
      throw new errors.NotAuthorizedError();
    }
    const { pool, appClient, user } = await userAndPool(pending.clientId, pending.username);
    const verdict = await invokeTrigger(
      'VerifyAuthChallengeResponse',
      { userPoolId: pool.options.Id, clientId: pending.clientId, user },
      {
        privateChallengeParameters: pending.privateParameters,
        challengeAnswer: String(req.ChallengeResponses?.ANSWER ?? ''),
        clientMetadata: req.ClientMetadata ?? {},
      },
    );
    pending.rounds.push({
      challengeName: 'CUSTOM_CHALLENGE',
      challengeResult: verdict.answerCorrect === true,
      ...(pending.metadata ? { challengeMetadata: pending.metadata } : {}),
    });
    return next(pending, pool, appClient, user);
  }

  const own = Router(services);
  const router = (target: string) => {
    if (target === 'InitiateAuth' || target === 'AdminInitiateAuth') {
      return (c: Any, req: Any) => (req.AuthFlow === 'CUSTOM_AUTH' ? initiateCustom(req) : own(target)(c, req));
    }
    if (target === 'RespondToAuthChallenge' || target === 'AdminRespondToAuthChallenge') {
      return (c: Any, req: Any) =>
        req.ChallengeName === 'CUSTOM_CHALLENGE' ? respondCustom(req) : own('RespondToAuthChallenge')(c, req);
    }
    return own(target);
  };
  const server = createServer(router, logger, config.ServerConfig, services);
  await server.start();
  logger.info(`Cognito Local (with CUSTOM_AUTH) running on port ${config.ServerConfig?.port ?? process.env.PORT}`);
}

main().catch((error) => {
  logger.error(error);
  process.exit(1);
});
