/**
 * `npm run bench` (never part of `npm test`). Handlers' loggers read their
 * level when first imported, so it is set before anything else loads: refused
 * requests log at INFO (the seat race makes ~95) and suspensions warn that
 * cognito-local cannot sign users out; errors still show.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
const { main } = await import('./main.ts');
process.exitCode = await main();
