/**
 * The adapter protocol of interface.md ("Running paths against an implementation"): kpm sends one
 * request a line, the adapter answers one reply a line.
 *
 * | kpm sends                              | the adapter answers                                        |
 * | `{"op":"reset","topology":T}`          | `{"ok":true}`, or `{"ok":false,"error":"..."}`              |
 * | `{"op":"apply","event":E}`             | `{"outcome":"applied"}`, `{"outcome":"refused","reason":..}`, `{"outcome":"inconclusive","reason":..}` |
 * | `{"op":"observe"}`                     | `{"state":S}`, S as a step's state in `kpm replay --json`  |
 * | `{"op":"close"}`                       | nothing; it exits                                          |
 *
 * This file checks replies against it, and says what went wrong in words that name the request.
 */
import type { KpmEvent } from '../../models/events.ts';
import type { Topology } from '../../models/topology.ts';
import { formatEvent } from '../events.ts';

export type Request =
  | { op: 'reset'; topology: Topology }
  | { op: 'apply'; event: KpmEvent }
  | { op: 'observe' }
  | { op: 'close' };

export type ResetReply = { ok: true } | { ok: false; error: string };
export type ApplyReply =
  | { outcome: 'applied' }
  | { outcome: 'refused'; reason?: string }
  | { outcome: 'inconclusive'; reason?: string };
export type ObserveReply = { state: unknown };

export type ReplyTo<R extends Request> = R extends { op: 'reset' }
  ? ResetReply
  : R extends { op: 'apply' }
    ? ApplyReply
    : R extends { op: 'observe' }
      ? ObserveReply
      : void;

/** An adapter, whatever its form: a command over JSON lines, or a module run in a child process. */
export interface Adapter {
  /** Sends a request and returns the checked reply; throws `AdapterBroken` or `AdapterTimeout`. */
  request<R extends Exclude<Request, { op: 'close' }>>(request: R): Promise<ReplyTo<R>>;
  /** Says `close`, waits briefly for the adapter to exit, then makes sure it has. Never throws. */
  close(): Promise<void>;
  /** Ends the adapter at once (after a timeout its state is unknown) and starts a fresh one. */
  restart(): Promise<void>;
}

/** The adapter broke the protocol (crashed, printed garbage, answered out of protocol): runs stop. */
export class AdapterBroken extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdapterBroken';
  }
}

/** No answer within the time allowed: the path is inconclusive. */
export class AdapterTimeout extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdapterTimeout';
  }
}

/** The adapter could not be started at all (no such command or module). */
export class AdapterStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdapterStartError';
  }
}

/** How a request reads in messages: `request #3 (apply HOST_REBOOT esx-02)`. */
export function describeRequest(request: Request, number: number): string {
  const what = request.op === 'apply' ? `apply ${formatEvent(request.event)}` : request.op;
  return `request #${number} (${what})`;
}

/** The reply if it is one the protocol allows for this request, else what is wrong with it. */
export function checkReply(request: Request, reply: unknown): { reply: unknown } | { problem: string } {
  if (typeof reply !== 'object' || reply === null || Array.isArray(reply))
    return { problem: `expected a JSON object, got ${shown(reply)}` };
  const r = reply as Record<string, unknown>;
  switch (request.op) {
    case 'reset':
      if (r.ok === true) return { reply: { ok: true } };
      if (r.ok === false)
        return { reply: { ok: false, error: typeof r.error === 'string' ? r.error : shown(r.error) } };
      return { problem: `expected {"ok":true} or {"ok":false,"error":"..."}, got ${shown(reply)}` };
    case 'apply':
      if (r.outcome === 'applied' || r.outcome === 'refused' || r.outcome === 'inconclusive') {
        return {
          reply: { outcome: r.outcome, ...(typeof r.reason === 'string' ? { reason: r.reason } : {}) },
        };
      }
      return { problem: `expected {"outcome":"applied"|"refused"|"inconclusive"}, got ${shown(reply)}` };
    case 'observe':
      if (typeof r.state === 'object' && r.state !== null && !Array.isArray(r.state))
        return { reply: { state: r.state } };
      return { problem: `expected {"state":{...}}, got ${shown(reply)}` };
    case 'close':
      return { reply: undefined };
  }
}

/** A value, shortened for a one-line message. */
export function shown(value: unknown): string {
  const text = value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value));
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
