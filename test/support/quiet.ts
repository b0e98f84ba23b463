/**
 * setupFiles of the infra project: a green `npm test` is quiet. The CDK
 * writes `Bundling asset <path>...` to stderr for every function it bundles;
 * those lines are dropped unless `TEST_VERBOSE=1` asks for everything.
 */
if (!process.env.TEST_VERBOSE) {
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    if (typeof chunk === 'string' && /^Bundling asset \S+\.\.\.\n?$/.test(chunk)) return true;
    return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write;
}
