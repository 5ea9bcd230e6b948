// A command's flags checked against the request they become, before it is sent, so a bad value is
// said as the flag the person typed ("--limit 0: takes a whole number from 1 to 10000") rather than
// as the request's field ("Invalid events.list request: limit: Too small").
import type { z } from 'zod';
import { methods, type MethodName } from '../../../shared/api.ts';
import { BatonError } from '../../../shared/errors.ts';

/** What a field of a request accepts, said from its schema; null when the schema says nothing plain. */
export function accepts(schema: z.ZodType): string | null {
  let s = schema as unknown as { _zod: { def: { type: string; innerType?: unknown; entries?: Record<string, unknown> } } } & Record<string, unknown>;
  while (s._zod.def.type === 'optional' || s._zod.def.type === 'nullable' || s._zod.def.type === 'default') s = s._zod.def.innerType as typeof s;
  switch (s._zod.def.type) {
    case 'number': {
      const min = s['minValue'] as number | null;
      const max = s['maxValue'] as number | null;
      const what = s['isInt'] === true ? 'a whole number' : 'a number';
      const finite = (n: number | null): n is number => n !== null && Number.isFinite(n) && Math.abs(n) < Number.MAX_SAFE_INTEGER;
      if (finite(min) && finite(max)) return `${what} from ${min} to ${max}`;
      if (finite(min)) return `${what} of at least ${min}`;
      if (finite(max)) return `${what} of at most ${max}`;
      return what;
    }
    case 'enum':
      return `one of ${Object.values(s._zod.def.entries ?? {}).join(', ')}`;
    case 'boolean':
      return 'true or false';
    default:
      return null;
  }
}

/**
 * Checks `params` against `method`'s request schema; a problem in a field that came from a flag
 * is thrown as that flag, with the value given and what the flag takes.
 */
export function checkFlags<M extends MethodName>(method: M, params: unknown, flags: Readonly<Record<string, string>>): void {
  const schema = methods[method].params as unknown as z.ZodObject;
  const parsed = schema.safeParse(params);
  if (parsed.success) return;
  const said = parsed.error.issues.map((issue) => {
    const field = String(issue.path[0] ?? '');
    const flag = flags[field];
    if (!flag) return `${field || 'the request'}: ${issue.message}`;
    const given = (params as Record<string, unknown>)[field];
    // a number flag that was not a number reached here as NaN: its text is gone, name the flag alone
    const shown = typeof given === 'number' && Number.isNaN(given) ? '' : ` ${JSON.stringify(given)}`;
    const fieldSchema = schema.shape[field] as z.ZodType | undefined;
    const takes = fieldSchema ? accepts(fieldSchema) : null;
    // a custom message (a fingerprint's shape) says more than the type does
    const custom = issue.code === 'invalid_format' || issue.code === 'custom' ? issue.message : null;
    return `${flag}${shown}: ${custom ?? (takes ? `takes ${takes}` : issue.message)}`;
  });
  throw new BatonError('INVALID_INPUT', `${said.join('; ')}.`, { flags: Object.values(flags) });
}
