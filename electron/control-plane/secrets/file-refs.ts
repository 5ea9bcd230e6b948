// How a service's secrets and configs name what Baton stores, pure: a mount of a stack's own
// secret or config is that stack's; a mount of an external secret is Baton's store's (made with
// `baton secret create`). A revision carries the version of each value it delivers.
import type { FileMount, ServiceSpec } from '../../../shared/stack.ts';
import { GLOBAL, type FileKind } from '../store/files-repo.ts';

export interface FileRef {
  kind: FileKind;
  /** The stack whose own it is, or GLOBAL. */
  stack: string;
  name: string;
}

export function refOf(spec: Pick<ServiceSpec, 'stack'>, mount: FileMount, kind: FileKind): FileRef {
  return { kind, stack: mount.external ? GLOBAL : spec.stack, name: mount.source };
}

/** Every mount of a spec with its kind, secrets first. */
export function mountsOf(spec: Pick<ServiceSpec, 'secrets' | 'configs'>): { kind: FileKind; mount: FileMount }[] {
  return [...spec.secrets.map((mount) => ({ kind: 'secret' as const, mount })), ...spec.configs.map((mount) => ({ kind: 'config' as const, mount }))];
}

export function sameRef(a: FileRef, b: FileRef): boolean {
  return a.kind === b.kind && a.stack === b.stack && a.name === b.name;
}

/** Whether the spec delivers this secret or config. */
export function uses(spec: ServiceSpec, ref: FileRef): boolean {
  return mountsOf(spec).some(({ kind, mount }) => sameRef(refOf(spec, mount, kind), ref));
}

/**
 * The spec with each mount marked external (the stack declares the secret `external: true`) and
 * given the version of its value now: what makes a new value a new revision.
 */
export function withVersions(spec: ServiceSpec, externalSecrets: ReadonlySet<string>, versionOf: (ref: FileRef) => number): ServiceSpec {
  const mark = (kind: FileKind) => (m: FileMount): FileMount => {
    const { external: _e, version: _v, ...plain } = m;
    const mount: FileMount = kind === 'secret' && externalSecrets.has(m.source) ? { ...plain, external: true } : plain;
    return { ...mount, version: versionOf(refOf(spec, mount, kind)) };
  };
  return { ...spec, secrets: spec.secrets.map(mark('secret')), configs: spec.configs.map(mark('config')) };
}

/** The spec with the mounts of `ref` at `version` (a rotation): null when it does not use it. */
export function withVersion(spec: ServiceSpec, ref: FileRef, version: number): ServiceSpec | null {
  if (!uses(spec, ref)) return null;
  const bump = (kind: FileKind) => (m: FileMount): FileMount => (sameRef(refOf(spec, m, kind), ref) ? { ...m, version } : m);
  return { ...spec, secrets: spec.secrets.map(bump('secret')), configs: spec.configs.map(bump('config')) };
}
