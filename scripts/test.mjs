#!/usr/bin/env node
/**
 * `npm test`: the type check, the format check and every vitest suite. tsc and prettier each use
 * one core: they run while the suites start, and their output is printed once they end, so that a
 * type or format error is reported as clearly as if they had run first. The exit code is the first
 * failure's (tsc, prettier, then vitest); any arguments go to vitest (`npm test -- test/cli.test.ts`).
 */
import { spawn } from 'node:child_process';

/** Runs a command, its output kept; resolves with its exit code and output. */
function quiet(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (error) => resolve({ code: 1, output: `${command}: ${error.message}\n` }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}

/** Runs a command with the terminal's output; resolves with its exit code. */
function loud(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    child.on('error', () => resolve(1));
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const checks = Promise.all([quiet('tsc', ['--noEmit']), quiet('prettier', ['--check', '.'])]);
const vitest = await loud('vitest', ['run', ...process.argv.slice(2)]);
const [tsc, prettier] = await checks;
console.log(`\ntsc --noEmit: ${tsc.code === 0 ? 'no type error' : 'type errors'}`);
if (tsc.code !== 0) process.stdout.write(tsc.output);
console.log(`prettier --check .: ${prettier.code === 0 ? 'every file formatted' : 'files not formatted'}`);
if (prettier.code !== 0) process.stdout.write(prettier.output);
process.exit(tsc.code || prettier.code || vitest);
