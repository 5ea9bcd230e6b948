// environment, env_file and labels: the key=value lists of a service.
import { parseEnvFile } from './env-file.ts';
import type { Path } from './problems.ts';
import { lookupEnv, scalarText, type SpecContext } from './spec-context.ts';
import { isDict, readBool, readString } from './values.ts';

/**
 * A list ("KEY=VALUE", "KEY") or a map (KEY: value). A key without a value takes the environment's
 * value when `fromEnv` (Compose does so for `environment`), or is left out if it is not set there;
 * otherwise (labels) it is "".
 */
export function readKeyValues(ctx: SpecContext, path: Path, value: unknown, fromEnv: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (key: string, v: string | null) => {
    if (v !== null) out[key] = v;
    else if (!fromEnv) out[key] = '';
    else {
      const inherited = lookupEnv(ctx.env, key);
      if (inherited !== undefined) out[key] = inherited;
    }
  };
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      if (typeof item !== 'string') return; // the schema said so
      const eq = item.indexOf('=');
      const key = eq === -1 ? item : item.slice(0, eq);
      if (key.trim() === '') ctx.problems.error([...path, i], `"${item}" has no name before "=": write KEY=VALUE`);
      else put(key, eq === -1 ? null : item.slice(eq + 1));
    });
  } else if (isDict(value)) {
    for (const [key, v] of Object.entries(value)) {
      if (v === null || v === undefined) put(key, null);
      else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') put(key, scalarText(ctx, [...path, key], v));
      else readString(ctx.problems, [...path, key], v); // reports it
    }
  }
  return out;
}

/** env_file entries, in order; later files override earlier ones. */
export function readEnvFiles(ctx: SpecContext, path: Path, value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const items: unknown[] = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  items.forEach((item, i) => {
    const itemPath = Array.isArray(value) ? [...path, i] : path;
    let file: string | undefined;
    let required = true;
    if (typeof item === 'string') file = item;
    else if (isDict(item)) {
      file = typeof item.path === 'string' ? item.path : undefined;
      if (item.required !== undefined) required = readBool(ctx.problems, [...itemPath, 'required'], item.required) ?? true;
      if (item.format !== undefined && item.format !== 'raw' && item.format !== '') {
        ctx.problems.error([...itemPath, 'format'], `env_file format ${JSON.stringify(item.format)} is not supported: leave \`format\` out (or use "raw")`);
        return;
      }
    }
    if (file === undefined || file === '') return;
    const text = ctx.readFile(file, required);
    if (text === undefined) {
      // Optional, as Compose has it: a client that could not send it deploys without it.
      if (!required) return;
      ctx.problems.error(
        itemPath,
        `env file ${file} was not sent with the stack: the control plane reads no file a stack names, the client that applies it sends them. ` +
          '`baton apply -f` sends the files beside the stack; the app can\'t read them from a file it opens: apply this stack with the CLI, or write these variables under `environment:`',
      );
      return;
    }
    const raw = isDict(item) && item.format === 'raw';
    if (raw) {
      for (const line of text.split(/\r?\n/)) {
        const eq = line.indexOf('=');
        if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
      }
      return;
    }
    const parsed = parseEnvFile(text, (name) => lookupEnv(ctx.env, name));
    for (const p of parsed.problems) {
      const report = p.severity === 'error' ? ctx.problems.error.bind(ctx.problems) : ctx.problems.warn.bind(ctx.problems);
      report(itemPath, p.message, { elsewhere: { file: ctx.clientPath(file), line: p.line, column: p.column } });
    }
    for (const { key, value: v } of parsed.entries) {
      if (v !== null) out[key] = v;
      else {
        const inherited = lookupEnv(ctx.env, key);
        if (inherited !== undefined) out[key] = inherited;
      }
    }
  });
  return out;
}

export function readLabels(ctx: SpecContext, path: Path, value: unknown): Record<string, string> {
  const labels = readKeyValues(ctx, path, value, false);
  for (const key of Object.keys(labels)) {
    if (key.startsWith('baton.')) {
      ctx.problems.error([...path, key], `label \`${key}\`: labels starting with "baton." are Baton's own (it finds its replicas by them); choose another prefix`, { at: 'key' });
      delete labels[key];
    }
  }
  return labels;
}
