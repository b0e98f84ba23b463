/**
 * setupFiles: before a test file imports handler code, give this worker the
 * emulators' environment (the same variables a deployed Lambda receives),
 * plus, for tests only, the platform key and SES local's `/store` URL.
 */
import { localStack } from './local-stack.ts';

const { env, platformKey, urls } = localStack();
Object.assign(process.env, env, { ROSTER_PLATFORM_KEY: platformKey, SES_STORE_URL: urls.sesStore });
