// The control plane's side of shared/api.ts: every request is checked against the contract before
// a handler sees it, every answer is checked before it leaves, and every outcome becomes the
// `{ result } | { error }` envelope that all three transports carry unchanged.
import type { z } from 'zod';
import { isMethodName, methods, type MethodName, type Methods, type Result } from '../../../shared/api.ts';
import { BatonError, toErrorBody, type Envelope } from '../../../shared/errors.ts';
import type { Logger } from '../log.ts';
import type { Caller } from './caller.ts';

export type Handlers = {
  [M in MethodName]: (params: z.output<Methods[M]['params']>, caller: Caller) => Promise<Result<M>> | Result<M>;
};

/** Every transport says which it is: what a request may name on this machine depends on it. */
export type Dispatch = (method: string, params: unknown, caller: Caller) => Promise<Envelope<unknown>>;

export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((i) => `${i.path.length ? i.path.join('.') : '(the request)'}: ${i.message}`).join('; ');
}

export function createDispatcher(handlers: Handlers, log: Logger): Dispatch {
  return async (method, params, caller) => {
    if (!isMethodName(method)) {
      return { error: { code: 'INVALID_INPUT', message: `Unknown request "${method}". This control plane knows: ${Object.keys(methods).join(', ')}.` } };
    }
    const contract = methods[method];
    const parsed = contract.params.safeParse(params ?? {});
    if (!parsed.success) {
      return {
        error: {
          code: 'INVALID_INPUT',
          message: `Invalid ${method} request: ${describeIssues(parsed.error.issues)}`,
          details: { issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
        },
      };
    }
    try {
      const handler = handlers[method] as (p: unknown, c: Caller) => Promise<unknown> | unknown;
      const result = await handler(parsed.data, caller);
      const checked = contract.result.safeParse(result);
      if (!checked.success) {
        log.error({ method, issues: checked.error.issues }, 'api: a handler broke the contract');
        throw new BatonError('INTERNAL', `The control plane produced an invalid ${method} answer (${describeIssues(checked.error.issues)}). This is a bug in Baton.`);
      }
      return { result: checked.data };
    } catch (err) {
      const body = toErrorBody(err);
      if (body.code === 'INTERNAL') log.error({ method, err }, 'api: request failed');
      else log.debug({ method, code: body.code }, 'api: request refused');
      return { error: body };
    }
  };
}
