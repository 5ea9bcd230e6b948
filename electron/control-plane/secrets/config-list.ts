// Stacks' configs as a person may see them: each stack's own configs (from a file beside the
// stack, its client's environment or inline `content:`), the services that mount each, and the
// content itself when it is text of a readable size. Configs are no secrets: their content may be
// shown (secrets never are, see secret-service.ts).
import { CONFIG_SHOWN_MAX_BYTES, type ConfigInfo } from '../../../shared/api.ts';
import { serviceKey } from '../reconcile/replica.ts';
import type { Store } from '../store/store.ts';
import { uses } from './file-refs.ts';

/** UTF-8 text without control characters other than tabs and line ends, else null. */
export function shownContent(value: Buffer): string | null {
  if (value.length > CONFIG_SHOWN_MAX_BYTES) return null;
  const text = new TextDecoder('utf-8', { fatal: false }).decode(value);
  if (text.includes('\uFFFD')) return null; // not UTF-8
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(text) ? null : text;
}

export function listConfigs(store: Store): ConfigInfo[] {
  const desired = store.stacks.desiredServices();
  return store.files.list('config').map((record) => {
    const opened = store.files.value('config', record.stack, record.name);
    return {
      name: record.name,
      stack: record.stack,
      size: record.size,
      version: record.version,
      updatedAt: record.updatedAt,
      services: desired.filter((d) => uses(d.spec, { kind: 'config', stack: record.stack, name: record.name })).map((d) => serviceKey(d.stack, d.name)),
      content: opened === null ? null : shownContent(opened.value),
    };
  });
}
