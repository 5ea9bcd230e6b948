// Secrets of Baton's own store as a person drives them: `baton secret create / set / ls / rm`.
// A new value (set) makes a new revision of every service that uses it, with the secret's new
// version in its spec, so they roll out under their update_config. No value leaves here: the
// answers, events and errors name secrets and services only.
import { SECRET_MAX_BYTES, type SecretInfo } from '../../../shared/api.ts';
import { BatonError } from '../../../shared/errors.ts';
import type { EventLog } from '../events/event-log.ts';
import type { Reconciler } from '../reconcile/reconciler.ts';
import { serviceKey } from '../reconcile/replica.ts';
import { containerSpecHash, serviceSpecHash } from '../stacks/spec/spec-hash.ts';
import { GLOBAL, type FileRecord } from '../store/files-repo.ts';
import type { Store } from '../store/store.ts';
import { uses, withVersion, type FileRef } from './file-refs.ts';

export class SecretService {
  constructor(private readonly deps: { store: Store; events: EventLog; reconciler: Pick<Reconciler, 'trigger'> }) {}

  private decode(name: string, base64: string): Buffer {
    const value = Buffer.from(base64, 'base64');
    if (value.length > SECRET_MAX_BYTES) {
      throw new BatonError('INVALID_INPUT', `The value given for secret ${name} is ${Math.ceil(value.length / 1024)} KB: a secret is at most ${SECRET_MAX_BYTES / 1024} KB. Nothing was stored.`, { secret: name }, 'Keep large files in an image or a volume; a secret is a password, a key, a certificate.');
    }
    if (value.length === 0) throw new BatonError('INVALID_INPUT', `The value given for secret ${name} is empty. Nothing was stored.`, { secret: name }, 'Give the file (-f FILE) or pipe the value into standard input (-).');
    return value;
  }

  /** The services whose desired revision delivers it. */
  private users(ref: FileRef): string[] {
    return this.deps.store.stacks
      .desiredServices()
      .filter((d) => uses(d.spec, ref))
      .map((d) => serviceKey(d.stack, d.name));
  }

  private info(record: FileRecord): SecretInfo {
    return {
      name: record.name,
      stack: record.stack === GLOBAL ? null : record.stack,
      size: record.size,
      version: record.version,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
      services: this.users({ kind: 'secret', stack: record.stack, name: record.name }),
    };
  }

  create(name: string, base64: string): SecretInfo {
    const value = this.decode(name, base64);
    const { files } = this.deps.store;
    if (files.get('secret', GLOBAL, name)) {
      throw new BatonError('ALREADY_EXISTS', `There is a secret named ${name} already; nothing was changed.`, { secret: name }, `Give it a new value with: baton secret set ${name} -f FILE (its services roll out).`);
    }
    files.put('secret', GLOBAL, name, value, new Date().toISOString());
    this.deps.events.append({ kind: 'secret.created', message: `secret ${name} created (${value.length} bytes)`, data: { secret: name, size: value.length } });
    return this.info(files.get('secret', GLOBAL, name)!);
  }

  /** A new value; every service that uses it gets a new revision with its new version, and rolls out. */
  set(name: string, base64: string): SecretInfo & { rolling: string[] } {
    const value = this.decode(name, base64);
    const { files, stacks } = this.deps.store;
    const before = files.get('secret', GLOBAL, name);
    if (!before) {
      throw new BatonError('NOT_FOUND', `There is no secret named ${name} in Baton's store; nothing was changed.`, { secret: name }, `Create it with: baton secret create ${name} -f FILE (see them with: baton secret ls).`);
    }
    const ref: FileRef = { kind: 'secret', stack: GLOBAL, name };
    const now = new Date().toISOString();
    const rolling: { stack: string; service: string; revision: number }[] = [];
    let version = before.version;
    this.deps.store.transaction(() => {
      version = files.put('secret', GLOBAL, name, value, now);
      if (version === before.version) return; // the same value: nothing to roll out
      for (const d of stacks.desiredServices()) {
        const spec = withVersion(d.spec, ref, version);
        if (!spec) continue;
        const revision = stacks.addRevision({ stack: d.stack, service: d.name, spec, specHash: serviceSpecHash(spec), containerHash: containerSpecHash(spec), createdAt: now });
        stacks.putService({ stack: d.stack, name: d.name, replicas: d.replicas, revision, preferredHost: d.preferredHost });
        rolling.push({ stack: d.stack, service: d.name, revision });
      }
    });
    const names = rolling.map((r) => serviceKey(r.stack, r.service));
    this.deps.events.append({
      kind: version === before.version ? 'secret.unchanged' : 'secret.rotated',
      message: version === before.version ? `secret ${name} set to the value it had; nothing rolls out` : `secret ${name} has a new value (version ${version})${names.length ? `; rolling out ${names.join(', ')}` : ''}`,
      data: { secret: name, version, services: names },
    });
    for (const r of rolling) {
      this.deps.events.append({
        kind: 'service.updated',
        stack: r.stack,
        service: r.service,
        message: `${r.stack}/${r.service}: update, revision ${r.revision} (secret ${name} version ${version})`,
        data: { changes: [{ field: 'secrets', before: `${name} v${before.version}`, after: `${name} v${version}` }] },
      });
      this.deps.reconciler.trigger(serviceKey(r.stack, r.service));
    }
    return { ...this.info(files.get('secret', GLOBAL, name)!), rolling: names };
  }

  /** Baton's store's secrets, then each stack's own. */
  list(): SecretInfo[] {
    const all = this.deps.store.files.list('secret');
    return [...all.filter((f) => f.stack === GLOBAL), ...all.filter((f) => f.stack !== GLOBAL)].map((f) => this.info(f));
  }

  remove(name: string): { name: string } {
    const { files } = this.deps.store;
    if (!files.get('secret', GLOBAL, name)) {
      throw new BatonError('NOT_FOUND', `There is no secret named ${name} in Baton's store.`, { secret: name }, 'See the secrets with: baton secret ls (a stack\'s own secrets go with the stack: baton rm STACK).');
    }
    const users = this.users({ kind: 'secret', stack: GLOBAL, name });
    if (users.length > 0) {
      throw new BatonError(
        'INVALID_INPUT',
        `Secret ${name} is used by ${users.join(', ')}; it was not removed.`,
        { secret: name, services: users },
        `Remove it from those services' stack files and apply them (or remove the stacks: baton rm STACK), then remove the secret.`,
      );
    }
    files.remove('secret', GLOBAL, name);
    this.deps.events.append({ kind: 'secret.removed', message: `secret ${name} removed`, data: { secret: name } });
    return { name };
  }
}
