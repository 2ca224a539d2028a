/**
 * An adapter object in kpm's own process: the module form's functions, called directly. No
 * timeout can stop a function that never returns, so `kpm paths --run` never uses this for a
 * user's module (module.ts runs those in a child process); the catch table and the tests use it
 * for the reference implementation, which they trust, to save a process per run.
 */
import {
  AdapterBroken,
  checkReply,
  describeRequest,
  type Adapter,
  type ReplyTo,
  type Request,
} from './protocol.ts';

export interface AdapterFunctions {
  reset(topology: unknown): unknown;
  apply(event: unknown): unknown;
  observe(): unknown;
  close?(): unknown;
}

export function inProcessAdapter(make: () => AdapterFunctions, label = 'adapter'): Adapter {
  let ops = make();
  let count = 0;
  return {
    async request<R extends Exclude<Request, { op: 'close' }>>(request: R): Promise<ReplyTo<R>> {
      const what = describeRequest(request, ++count);
      let reply: unknown;
      try {
        if (request.op === 'reset') reply = await ops.reset(request.topology);
        else if (request.op === 'apply') reply = await ops.apply(request.event);
        else reply = await ops.observe();
      } catch (error) {
        throw new AdapterBroken(`${label} threw on ${what}: ${(error as Error).message}`);
      }
      const checked = checkReply(request, reply);
      if ('problem' in checked)
        throw new AdapterBroken(`${label} answered ${what} out of protocol: ${checked.problem}`);
      return checked.reply as ReplyTo<R>;
    },
    async close() {
      await ops.close?.();
    },
    async restart() {
      await ops.close?.();
      ops = make();
    },
  };
}
