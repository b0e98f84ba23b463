// Child process of the cold-start benchmark: imports one bundle (module init,
// as Lambda does before the first invoke) and prints how long that took, in
// wall time and in CPU time (the latter shrugs off a busy machine).
const cpu = process.cpuUsage();
const started = performance.now();
const module = await import(process.argv[2]);
const importMs = performance.now() - started;
const used = process.cpuUsage(cpu);
if (typeof module.handler !== 'function') {
  process.stderr.write(`${process.argv[2]} exports no handler function\n`);
  process.exit(2);
}
process.stdout.write(JSON.stringify({ importMs, cpuMs: (used.user + used.system) / 1000 }));
