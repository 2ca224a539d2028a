// Loaded with --require by bench/report.ts: prints the process's CPU time (every thread) at exit.
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  process.stderr.write(`kpm-cpu-seconds ${((user + system) / 1e6).toFixed(2)}\n`);
});
