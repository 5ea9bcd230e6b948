// The configs view's logic, pure: a stack's config as a row (who mounts it, its version and size),
// its content when the control plane sent it (text it may show), else why not.
import type { ConfigInfo } from '../../../../shared/api.ts';
import { formatBytes } from '../hosts/format.ts';

export interface ConfigRow {
  key: string;
  name: string;
  stack: string;
  users: string;
  version: string;
  size: string;
  /** The content, or null with `why` saying why it is not shown. */
  content: string | null;
  why: string | null;
}

export function configRow(c: ConfigInfo): ConfigRow {
  return {
    key: `${c.stack}/${c.name}`,
    name: c.name,
    stack: c.stack,
    users: c.services.length === 0 ? 'no service' : [...c.services].sort().join(', '),
    version: `v${c.version}`,
    size: formatBytes(c.size),
    content: c.content,
    why: c.content === null ? 'Not shown: it is not text, or it is larger than 64 KiB.' : null,
  };
}

/** By stack, then by name. */
export function configRows(list: readonly ConfigInfo[]): ConfigRow[] {
  return list.map(configRow).sort((a, b) => a.stack.localeCompare(b.stack) || a.name.localeCompare(b.name));
}
