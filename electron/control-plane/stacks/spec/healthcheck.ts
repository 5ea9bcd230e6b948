// healthcheck: test / interval / timeout / retries / start_period / disable, with Docker's defaults.
import type { HealthSpec } from '../../../../shared/stack.ts';
import { HEALTHCHECK_DEFAULTS } from './defaults.ts';
import type { Path } from './problems.ts';
import type { SpecContext } from './spec-context.ts';
import { isDict, readBool, readDuration, readInt } from './values.ts';

const TEST_KINDS = ['NONE', 'CMD', 'CMD-SHELL'];

export function readHealthcheck(ctx: SpecContext, path: Path, value: unknown): HealthSpec | null {
  if (!isDict(value)) return null;
  const { problems } = ctx;
  const spec: HealthSpec = { test: [], ...HEALTHCHECK_DEFAULTS };
  let ok = true;

  const disabled = value.disable === undefined ? false : readBool(problems, [...path, 'disable'], value.disable);
  if (disabled === undefined) ok = false;

  const test = value.test;
  if (typeof test === 'string') {
    if (test.trim() === '') {
      problems.error([...path, 'test'], 'the test is empty: give a command, or leave `test` out to keep the image\'s own check');
      ok = false;
    } else spec.test = ['CMD-SHELL', test];
  } else if (Array.isArray(test)) {
    const kind = test[0];
    if (typeof kind !== 'string' || !TEST_KINDS.includes(kind)) {
      problems.error([...path, 'test'], `a test list starts with "CMD", "CMD-SHELL" or "NONE" (got ${JSON.stringify(kind ?? null)}): e.g. ["CMD", "curl", "-f", "http://localhost/"]`);
      ok = false;
    } else if (kind !== 'NONE' && test.length < 2) {
      problems.error([...path, 'test'], `"${kind}" needs a command after it`);
      ok = false;
    } else spec.test = test.map(String);
  }
  // Without a test, Docker keeps the image's own (Test: []); disable replaces it with NONE.
  if (disabled) {
    if (spec.test.length > 0 && spec.test[0] !== 'NONE') {
      problems.error([...path, 'disable'], '`disable: true` and a `test` contradict each other: keep one');
      ok = false;
    }
    spec.test = ['NONE'];
  }

  const durations = [
    ['interval', 'intervalMs'],
    ['timeout', 'timeoutMs'],
    ['start_period', 'startPeriodMs'],
  ] as const;
  for (const [key, field] of durations) {
    if (value[key] === undefined) continue;
    const ms = readDuration(problems, [...path, key], value[key]);
    if (ms === undefined) ok = false;
    else spec[field] = ms;
  }
  if (value.retries !== undefined) {
    const retries = readInt(problems, [...path, 'retries'], value.retries, { min: 0 });
    if (retries === undefined) ok = false;
    else spec.retries = retries;
  }
  if (value.start_interval !== undefined) {
    problems.warn([...path, 'start_interval'], '`start_interval` is not supported yet and is ignored: checks during the start period run every `interval`', { at: 'key' });
  }
  return ok ? spec : null;
}
