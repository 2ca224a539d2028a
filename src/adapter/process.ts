/**
 * An adapter that is a child process speaking JSON lines on its standard input and output
 * (interface.md): one request a line, one reply a line, each within `timeoutMs`.
 *
 * Robustness: the child runs in its own process group and the whole group is killed on every way
 * out (close, restart, a timeout, kpm itself exiting), so no adapter outlives kpm; a child that
 * exits, prints a line that is not JSON or answers out of protocol gives a one-line `AdapterBroken`
 * naming the request (with the last line it wrote on stderr); silence past the timeout gives an
 * `AdapterTimeout`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import {
  AdapterBroken,
  AdapterStartError,
  AdapterTimeout,
  checkReply,
  describeRequest,
  shown,
  type Adapter,
  type ReplyTo,
  type Request,
} from './protocol.ts';

export interface ProcessAdapterOptions {
  /** Milliseconds a reply may take. */
  timeoutMs: number;
  /** How the adapter is named in messages: `adapter "node my-adapter.js"`. */
  label?: string;
  cwd?: string;
  /**
   * The child first says whether it is ready (`{"ready":true}` or `{"ready":false,"error":...}`),
   * within this many milliseconds: kpm's own module host does, before any request.
   */
  handshakeMs?: number;
}

/** What the command line runs: a shell command, or an executable and its arguments. */
export type Launch = { command: string } | { file: string; args: string[] };

export async function startProcessAdapter(launch: Launch, options: ProcessAdapterOptions): Promise<Adapter> {
  const adapter = new ProcessAdapter(launch, options);
  await adapter.start();
  return adapter;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** kpm exiting for any reason takes its adapters with it. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) killGroup(child);
  });
}

function killGroup(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL'); // the group: a shell and what it started
  } catch {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Resolves when the child has exited (and been reaped), or after `ms`. */
function exitOf(child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Kills the child's whole group and waits until it is gone. */
async function end(child: ChildProcess): Promise<void> {
  killGroup(child);
  await exitOf(child, 1000);
  running.delete(child);
}

class ProcessAdapter implements Adapter {
  private child: ChildProcess | null = null;
  private lines: string[] = [];
  private waiting: ((line: string | null) => void) | null = null;
  private exited: string | null = null;
  private lastError = '';
  private count = 0;
  private readonly label: string;

  constructor(
    private readonly launch: Launch,
    private readonly options: ProcessAdapterOptions,
  ) {
    this.label =
      options.label ??
      ('command' in launch ? `adapter ${JSON.stringify(launch.command)}` : `adapter ${launch.file}`);
  }

  async start(): Promise<void> {
    installExitHook();
    this.lines = [];
    this.exited = null;
    this.lastError = '';
    const stdio: ['pipe', 'pipe', 'pipe'] = ['pipe', 'pipe', 'pipe'];
    const child =
      'command' in this.launch
        ? spawn(this.launch.command, { shell: true, detached: true, stdio, cwd: this.options.cwd })
        : spawn(this.launch.file, this.launch.args, { detached: true, stdio, cwd: this.options.cwd });
    this.child = child;
    running.add(child);
    const spawned = new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', (error) =>
        reject(new AdapterStartError(`${this.label} cannot be started: ${error.message}`)),
      );
    });
    child.stdin?.on('error', () => {}); // a child that exits early: its exit is reported instead
    // A child killed for a restart may still speak: only the current one is listened to.
    const current = () => this.child === child;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (current()) this.receive(line);
    });
    createInterface({ input: child.stderr! }).on('line', (line) => {
      if (current() && line.trim() !== '') this.lastError = line.trim();
    });
    child.once('exit', (code, signal) => {
      running.delete(child);
      if (!current()) return;
      this.exited = signal !== null ? `was killed by ${signal}` : `exited with code ${code}`;
      // Let the last lines arrive before saying the adapter is gone.
      setImmediate(() => {
        if (current()) this.receive(null);
      });
    });
    await spawned;
    if (this.options.handshakeMs !== undefined) await this.handshake(this.options.handshakeMs);
  }

  private async handshake(timeoutMs: number): Promise<void> {
    const line = await this.nextLine(timeoutMs);
    const fail = (why: string) => {
      if (this.child) killGroup(this.child);
      return new AdapterStartError(`${this.label} cannot be started: ${why}`);
    };
    if (line === 'timeout') throw fail(`it was not ready within ${timeoutMs} ms`);
    if (line === null) throw fail(`it ${this.exited}${this.stderrTail()}`);
    let said: { ready?: unknown; error?: unknown } = {};
    try {
      said = JSON.parse(line);
    } catch {
      // not the host's line: reported below
    }
    if (said.ready !== true)
      throw fail(typeof said.error === 'string' ? said.error : `it said ${shown(line)}`);
  }

  private receive(line: string | null): void {
    if (line !== null && line.trim() === '') return; // blank lines are not replies
    if (this.waiting) {
      const deliver = this.waiting;
      this.waiting = null;
      deliver(line);
    } else if (line !== null) {
      this.lines.push(line);
    }
  }

  private nextLine(timeoutMs: number): Promise<string | null | 'timeout'> {
    if (this.lines.length > 0) return Promise.resolve(this.lines.shift() as string);
    if (this.exited !== null) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting = null;
        resolve('timeout');
      }, timeoutMs);
      this.waiting = (line) => {
        clearTimeout(timer);
        resolve(line);
      };
    });
  }

  async request<R extends Exclude<Request, { op: 'close' }>>(request: R): Promise<ReplyTo<R>> {
    const what = describeRequest(request, ++this.count);
    const child = this.child;
    if (child === null || this.exited !== null)
      throw new AdapterBroken(
        `${this.label} ${this.exited ?? 'is not running'} before ${what}${this.stderrTail()}`,
      );
    child.stdin?.write(`${JSON.stringify(request)}\n`);
    const line = await this.nextLine(this.options.timeoutMs);
    if (line === 'timeout')
      throw new AdapterTimeout(`${this.label} did not answer ${what} within ${this.options.timeoutMs} ms`);
    if (line === null)
      throw new AdapterBroken(`${this.label} ${this.exited} while answering ${what}${this.stderrTail()}`);
    let reply: unknown;
    try {
      reply = JSON.parse(line);
    } catch {
      throw new AdapterBroken(`${this.label} answered ${what} with a line that is not JSON: ${shown(line)}`);
    }
    const checked = checkReply(request, reply);
    if ('problem' in checked)
      throw new AdapterBroken(`${this.label} answered ${what} out of protocol: ${checked.problem}`);
    return checked.reply as ReplyTo<R>;
  }

  private stderrTail(): string {
    return this.lastError === '' ? '' : `; its last line on stderr: ${shown(this.lastError)}`;
  }

  async close(): Promise<void> {
    const child = this.child;
    if (child === null) return;
    this.child = null;
    if (this.exited === null) {
      child.stdin?.write(`${JSON.stringify({ op: 'close' })}\n`);
      child.stdin?.end();
      await exitOf(child, Math.min(this.options.timeoutMs, 2000));
    }
    await end(child);
  }

  async restart(): Promise<void> {
    const old = this.child;
    this.child = null;
    this.waiting = null;
    if (old !== null) await end(old);
    await this.start();
  }
}
