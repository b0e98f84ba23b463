// Child process of the scale benchmark: one invocation of a function bundle
// as Lambda runs it in a fresh container — the scheduled event of a job, or
// the event in BENCH_EVENT (an API Gateway request) — with the function's
// time limit, printing its wall time, its result, the process's peak resident
// memory, RSS sampled along the way, and the heap still in use after a final
// full GC (what the run retained).
import { constants, PerformanceObserver } from 'node:perf_hooks';

const [bundle, functionName, timeoutMs] = process.argv.slice(2);
const { handler } = await import(bundle);
const mb = (bytes) => Math.round((bytes / 2 ** 20) * 10) / 10;
const afterInitMb = process.resourceUsage().maxRSS / 1024;
const started = performance.now();
const deadline = Date.now() + Number(timeoutMs);
const samples = [];
const sampler = setInterval(() => samples.push(mb(process.memoryUsage.rss())), 250);
sampler.unref();
// The heap in use just after each major (mark-compact) GC: the live data, whatever V8 keeps committed.
let liveHeapMaxMb = 0;
let majorGcs = 0;
const gcs = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.detail?.kind !== constants.NODE_PERFORMANCE_GC_MAJOR) continue;
    majorGcs += 1;
    liveHeapMaxMb = Math.max(liveHeapMaxMb, mb(process.memoryUsage().heapUsed));
  }
});
gcs.observe({ entryTypes: ['gc'] });
const context = {
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:000000000000:function:${functionName}`,
  memoryLimitInMB: '1024',
  awsRequestId: crypto.randomUUID(),
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: 'bench',
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => deadline - Date.now(),
  done() {},
  fail() {},
  succeed() {},
};
const scheduled = {
  version: '0',
  id: crypto.randomUUID(),
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '000000000000',
  time: new Date().toISOString(),
  region: process.env.AWS_REGION,
  resources: [],
  detail: {},
};
const event = process.env.BENCH_EVENT ? JSON.parse(process.env.BENCH_EVENT) : scheduled;
const result = await handler(event, context);
const ms = performance.now() - started;
clearInterval(sampler);
gcs.disconnect();
const peakRssMb = process.resourceUsage().maxRSS / 1024;
globalThis.gc?.();
const retainedHeapMb = mb(process.memoryUsage().heapUsed);
// Ten RSS samples spread over the run: a plateau means bounded memory, a ramp means growth with the work.
const step = Math.max(1, Math.floor(samples.length / 10));
const rssSamplesMb = samples.filter((_, i) => i % step === 0).slice(0, 10);
const shown =
  result && typeof result === 'object' && 'statusCode' in result ? { statusCode: result.statusCode } : result;
process.stdout.write(
  `\n${JSON.stringify({ ms, result: shown, afterInitMb, peakRssMb, retainedHeapMb, liveHeapMaxMb, majorGcs, rssSamplesMb })}\n`,
);
