// Images as a person and the reconciler ask for them: which place has what (`baton image ls`), a
// push by hand (`baton image push`), a copy when a replica's host lacks its image and can't pull it,
// and what a dry run says a copy would take. Decisions are in plan.ts; bytes move in image-copier.ts.
import { existsSync } from 'node:fs';
import { BatonError } from '../../../shared/errors.ts';
import { LOCAL_ENGINE_PLACE, type ImageCopyEventData, type ImageInfo, type ImageNeed, type ImagePushChunk, type ImageTransfer } from '../../../shared/images.ts';
import type { EventLog } from '../events/event-log.ts';
import type { Engine } from '../hosts/engine.ts';
import { Engine as EngineFacade } from '../hosts/engine.ts';
import type { HostManager } from '../hosts/host-manager.ts';
import { HostSession } from '../hosts/host-session.ts';
import type { Logger } from '../log.ts';
import { copyImage, lacksSkippedLayer, type CopyTarget } from './image-copier.ts';
import { chooseSource, layerSizes, layersToSkip, planCopies, type ImageAt, type SourceImage, type TargetView } from './plan.ts';
import { formatBytes, TransferProgress } from './progress.ts';

/** Image inspects at once per engine, when a host's layers are gathered. */
const INSPECTS_AT_ONCE = 8;
/** Events about a copy's progress: at most one per host this often (the stream gets more). */
const PROGRESS_EVENT_MS = 2000;

interface InspectedImage {
  Id: string;
  Size?: number;
  RootFS?: { Layers?: string[] };
}

interface Place {
  name: string;
  engine: Engine;
  local: boolean;
}

/** What to do about an error mid-copy, in words a person can act on. */
export function copyErrorHint(host: string, err: Error): string {
  if (/no space left on device/i.test(err.message)) return `The disk of ${host} is full. Free space there (docker system prune, df -h /var/lib/docker) and push again; nothing was tagged there.`;
  if (/ECONNRESET|socket hang up|aborted|closed|EPIPE|not connected|unreachable|stopped coming/i.test(err.message)) return `The link dropped during the copy; the engine tags nothing it did not receive whole. Push again once the hosts are ready (baton host ls).`;
  return `See the engine's log on ${host}; push again with baton image push IMAGE --to ${host}.`;
}

export class ImageService {
  private localEngine: Engine | null = null;
  /** Layers of an image id (content-addressed: they never change), per engine. */
  private readonly layersOf = new WeakMap<Engine, Map<string, string[]>>();
  private readonly stores = new WeakMap<Engine, Promise<'classic' | 'containerd'>>();
  /** Copies under way for the reconciler, by host and image: starts that need the same wait for one copy. */
  private readonly ensuring = new Map<string, Promise<void>>();

  constructor(
    private readonly deps: {
      hosts: HostManager;
      events: EventLog;
      log: Logger;
      /** The engine socket of the machine Baton runs on; null when it has none to use. */
      localSocket: string | null;
    },
  ) {}

  close(): void {
    this.localEngine = null;
  }

  /** Ready hosts, then this machine's engine when it has one and it is not a host already. */
  private places(): Place[] {
    const hosts = this.deps.hosts.list();
    const out: Place[] = [];
    for (const h of hosts) {
      if (h.state !== 'ready') continue;
      try {
        out.push({ name: h.name, engine: this.deps.hosts.link(h.name).engine(), local: h.kind === 'local' });
      } catch {
        // lost between the list and now: not a place to look
      }
    }
    const socket = this.deps.localSocket;
    if (socket !== null && existsSync(socket) && !hosts.some((h) => h.kind === 'local' && h.socketPath === socket)) {
      this.localEngine ??= new EngineFacade(LOCAL_ENGINE_PLACE, HostSession.local(socket));
      out.push({ name: LOCAL_ENGINE_PLACE, engine: this.localEngine, local: true });
    }
    return out;
  }

  /** Where an image can be built or found: the ready hosts, then this machine's engine when it is no host. */
  engines(): { name: string; engine: Engine; local: boolean }[] {
    return this.places();
  }

  private async inspect(engine: Engine, ref: string): Promise<InspectedImage | null> {
    try {
      return (await engine.inspectImage(ref)) as InspectedImage | null;
    } catch {
      return null; // an engine that can't answer counts as one without it
    }
  }

  // ---- image ls

  async list(): Promise<ImageInfo[]> {
    const rows = new Map<string, ImageInfo>();
    await Promise.all(
      this.places().map(async (place) => {
        const images = await place.engine.listImages().catch(() => []);
        for (const image of images) {
          const refs = (image.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
          for (const ref of refs.length > 0 ? refs : [image.Id]) {
            const key = `${ref} ${image.Id}`;
            const row = rows.get(key) ?? { ref, id: image.Id, sizeBytes: Math.max(0, Math.round(image.Size)), hosts: [] };
            row.hosts.push(place.name);
            rows.set(key, row);
          }
        }
      }),
    );
    return [...rows.values()].map((r) => ({ ...r, hosts: r.hosts.sort() })).sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : a.id < b.id ? -1 : 1));
  }

  // ---- planning

  /** Where the image is, and the one to take it from; throws with what to do when it is nowhere. */
  private async findSource(ref: string, places: Place[], wantId: string | null = null): Promise<{ place: Place; image: InspectedImage }> {
    const found = await Promise.all(places.map(async (p) => ({ p, image: await this.inspect(p.engine, ref) })));
    const at: ImageAt[] = found.map(({ p, image }) => ({ place: p.name, id: image?.Id ?? null, local: p.local }));
    const choice = chooseSource(at, wantId);
    if (choice.kind === 'nowhere') throw imageNowhere(ref, places.map((p) => p.name), this.deps.localSocket);
    if (choice.kind === 'ambiguous') {
      const where = Object.entries(choice.ids).map(([id, on]) => `${id.slice(7, 19)} on ${on.join(', ')}`).join('; ');
      throw new BatonError('INVALID_INPUT', `${ref} is not the same image everywhere (${where}): Baton won't guess which to copy.`, { image: ref, ids: choice.ids }, `Tag the one you mean uniquely (docker tag ${ref} ${ref.replace(/:[^:/]*$/, '')}:NEW) and use that, or remove the stale one.`);
    }
    const hit = found.find(({ p }) => p.name === choice.place)!;
    return { place: hit.p, image: hit.image! };
  }

  private async describe(engine: Engine, ref: string, image: InspectedImage): Promise<SourceImage> {
    const diffIds = image.RootFS?.Layers ?? [];
    const history = await engine.imageHistory(ref).catch(() => null);
    return { id: image.Id, diffIds, layerSizes: history ? layerSizes(history, diffIds.length) : null, sizeBytes: Math.max(0, Math.round(image.Size ?? 0)) };
  }

  /** The union of the layers of every image on an engine (cached per image id). */
  private async layersOn(engine: Engine): Promise<Set<string>> {
    let cache = this.layersOf.get(engine);
    if (!cache) this.layersOf.set(engine, (cache = new Map()));
    const images = await engine.listImages();
    const todo = images.filter((i) => !cache.has(i.Id));
    for (let i = 0; i < todo.length; i += INSPECTS_AT_ONCE) {
      await Promise.all(
        todo.slice(i, i + INSPECTS_AT_ONCE).map(async (img) => {
          const inspected = await this.inspect(engine, img.Id);
          if (inspected) cache.set(img.Id, inspected.RootFS?.Layers ?? []);
        }),
      );
    }
    const out = new Set<string>();
    for (const img of images) for (const layer of cache.get(img.Id) ?? []) out.add(layer);
    return out;
  }

  private imageStore(engine: Engine): Promise<'classic' | 'containerd'> {
    let store = this.stores.get(engine);
    if (!store) {
      store = engine.imageStore().catch(() => 'containerd' as const); // unknown: send whole, the safe side
      this.stores.set(engine, store);
    }
    return store;
  }

  private async view(place: Place, ref: string, sourceId: string): Promise<TargetView> {
    const [atRef, atId, layers, store] = await Promise.all([this.inspect(place.engine, ref), this.inspect(place.engine, sourceId), this.layersOn(place.engine), this.imageStore(place.engine)]);
    return { host: place.name, refId: atRef?.Id ?? null, hasId: atId !== null, layers, containerdStore: store === 'containerd' };
  }

  /**
   * What each of these hosts would need to run `ref`, from inspect answers only (a dry run): null
   * for hosts when the image is on no place at all (the caller then says so, or pulls).
   */
  async needs(ref: string, hosts: string[]): Promise<{ source: string; id: string; needs: ImageNeed[] } | null> {
    const places = this.places();
    let found: { place: Place; image: InspectedImage };
    try {
      found = await this.findSource(ref, places);
    } catch (err) {
      if (err instanceof BatonError && err.code === 'NOT_FOUND') return null;
      throw err;
    }
    const source = await this.describe(found.place.engine, ref, found.image);
    const targets = places.filter((p) => hosts.includes(p.name));
    const views = await Promise.all(targets.map((p) => this.view(p, ref, source.id)));
    return { source: found.place.name, id: source.id, needs: planCopies(source, views) };
  }

  // ---- moving it

  /** `baton image push`: chunks as it goes; throws (after the chunks) when a host could not get it. */
  async push(params: { image: string; to?: string[]; all?: boolean }, onChunk: (chunk: ImagePushChunk) => void): Promise<void> {
    const started = Date.now();
    const ref = params.image;
    const known = this.deps.hosts.list();
    const asked = params.to ?? [];
    const unknown = asked.filter((h) => !known.some((k) => k.name === h));
    if (unknown.length > 0) {
      throw new BatonError('NOT_FOUND', `There is no host named ${unknown.join(', ')}. Known hosts: ${known.map((h) => h.name).join(', ') || 'none'}.`, { hosts: unknown, known: known.map((h) => h.name) }, 'Name hosts as baton host ls lists them, or push to all with --all.');
    }
    if (asked.length === 0 && !params.all) throw new BatonError('INVALID_INPUT', 'Say where to push: --to HOST (one or more) or --all.', undefined, `e.g. baton image push ${ref} --all`);
    const notReady = asked.filter((h) => known.find((k) => k.name === h)?.state !== 'ready');
    if (notReady.length > 0) throw new BatonError('HOST_UNREACHABLE', `${notReady.join(', ')} ${notReady.length === 1 ? 'is' : 'are'} not ready: nothing was pushed.`, { hosts: notReady }, 'See why with baton host ls; push once it is ready.');
    const places = this.places();
    const { place, image } = await this.findSource(ref, places);
    const targetNames = asked.length > 0 ? asked : known.filter((h) => h.state === 'ready').map((h) => h.name);
    const targets = places.filter((p) => targetNames.includes(p.name) && p.name !== place.name);
    const source = await this.describe(place.engine, ref, image);
    const views = await Promise.all(targets.map((p) => this.view(p, ref, source.id)));
    const needs = planCopies(source, views);
    onChunk({ kind: 'plan', image: ref, id: source.id, source: place.name, needs });
    const transfers = await this.carryOut(ref, place, source, targets, views, needs, (t) => onChunk({ kind: 'progress', image: ref, transfers: t }));
    onChunk({ kind: 'done', image: ref, id: source.id, source: place.name, transfers, durationMs: Date.now() - started });
    const failed = transfers.filter((t) => t.state === 'failed');
    if (failed.length > 0) {
      const first = failed[0]!;
      throw new BatonError('DOCKER_ERROR', `${ref} could not be copied to ${failed.map((t) => `${t.host} (${t.error})`).join('; ')}.`, { image: ref, hosts: failed.map((t) => t.host) }, copyErrorHint(first.host, new Error(first.error ?? '')));
    }
  }

  /**
   * For a replica about to start on `host`, whose engine lacks the image and could not pull it:
   * copy it there from the local engine or a host that has it. Starts that need the same copy wait
   * for one.
   */
  ensureOn(host: string, ref: string, context: { stack?: string; service?: string } = {}): Promise<void> {
    const key = `${host} ${ref}`;
    let running = this.ensuring.get(key);
    if (!running) {
      running = this.copyTo(host, ref, context).finally(() => this.ensuring.delete(key));
      this.ensuring.set(key, running);
    }
    return running;
  }

  private async copyTo(host: string, ref: string, context: { stack?: string; service?: string }): Promise<void> {
    const places = this.places();
    const target = places.find((p) => p.name === host);
    if (!target) throw new BatonError('HOST_UNREACHABLE', `${host} is not ready: ${ref} can't be copied there now.`, { host });
    const wantId = /^sha256:[0-9a-f]{64}$/.test(ref) ? ref : null;
    const { place, image } = await this.findSource(ref, places.filter((p) => p.name !== host), wantId);
    const source = await this.describe(place.engine, ref, image);
    const view = await this.view(target, ref, source.id);
    const needs = planCopies(source, [view]);
    const [transfer] = await this.carryOut(ref, place, source, [target], [view], needs, () => {}, context);
    if (transfer?.state === 'failed') {
      const err = new Error(transfer.error ?? 'failed');
      throw new BatonError('DOCKER_ERROR', `${ref} is not on ${host}, could not be pulled there, and copying it from ${place.name} failed: ${err.message}`, { image: ref, host, source: place.name }, copyErrorHint(host, err));
    }
  }

  /** Tags and copies as planned; the outcome per host. */
  private async carryOut(ref: string, source: Place, image: SourceImage, targets: Place[], views: TargetView[], needs: ImageNeed[], report: (t: ImageTransfer[]) => void, context: { stack?: string; service?: string } = {}): Promise<ImageTransfer[]> {
    const done: ImageTransfer[] = [];
    const copies: { place: Place; view: TargetView; need: ImageNeed }[] = [];
    for (const [i, need] of needs.entries()) {
      const place = targets[i]!;
      if (need.action === 'copy') {
        copies.push({ place, view: views[i]!, need });
        continue;
      }
      if (need.action === 'tag') {
        await place.engine.tagImage(image.id, ref);
        this.deps.events.append({ kind: 'image.tagged', host: place.name, ...context, message: `${ref} tagged on ${place.name}: it had the image (${image.id.slice(7, 19)}) under another name`, data: { image: ref, id: image.id } });
      }
      done.push({ host: place.name, sentBytes: 0, totalBytes: 0, skippedBytes: 0, state: 'done', error: null });
    }
    if (copies.length === 0) return done;
    const lastEvent = new Map<string, number>();
    const progress = new TransferProgress(
      copies.map((c) => ({ host: c.place.name, totalBytes: c.need.bytes })),
      (transfers) => {
        report([...done, ...transfers]);
        for (const t of transfers) {
          if (t.state !== 'sending' || Date.now() - (lastEvent.get(t.host) ?? 0) < PROGRESS_EVENT_MS) continue;
          lastEvent.set(t.host, Date.now());
          this.deps.events.append({ kind: 'image.copy.progress', host: t.host, ...context, message: `${ref} to ${t.host}: ${formatBytes(t.sentBytes)} of about ${formatBytes(t.totalBytes)}`, data: this.eventData(ref, image, source, t) });
        }
      },
    );
    for (const c of copies) {
      const spared = c.need.layers - c.need.layersMissing;
      this.deps.events.append({ kind: 'image.copying', host: c.place.name, ...context, message: `copying ${ref} from ${source.name} to ${c.place.name}: about ${formatBytes(c.need.bytes)} (${c.need.layersMissing} of ${c.need.layers} layers${c.need.whole ? ', whole: containerd image store' : spared > 0 ? `; ${spared} already there` : ''})`, data: { image: ref, id: image.id, source: source.name, totalBytes: c.need.bytes } });
    }
    const toTarget = (c: { place: Place; view: TargetView }, whole: boolean): CopyTarget => ({ host: c.place.name, engine: c.place.engine, skip: whole ? new Set() : layersToSkip(image, c.view) });
    let outcomes = await copyImage({ source: source.engine, ref, diffIds: image.diffIds, targets: copies.map((c) => toTarget(c, false)), progress });
    // a layer it was spared went missing meanwhile (an image removed there): once more, whole
    const again = copies.filter((c, i) => outcomes[i]!.error !== null && lacksSkippedLayer(outcomes[i]!.error!) && toTarget(c, false).skip.size > 0);
    if (again.length > 0) {
      for (const c of again) progress.restart(c.place.name, image.sizeBytes);
      const retried = await copyImage({ source: source.engine, ref, diffIds: image.diffIds, targets: again.map((c) => toTarget(c, true)), progress });
      outcomes = outcomes.map((o) => retried.find((r) => r.host === o.host) ?? o);
    }
    for (const o of outcomes) {
      const finalTransfer = progress.snapshot().find((t) => t.host === o.host)!;
      if (o.error === null) {
        this.deps.events.append({ kind: 'image.copied', host: o.host, ...context, message: `${ref} copied from ${source.name} to ${o.host}: ${formatBytes(o.sentBytes)} sent, ${formatBytes(o.skippedBytes)} of layers it had left out`, data: this.eventData(ref, image, source, finalTransfer) });
      } else {
        this.deps.log.warn({ image: ref, host: o.host, err: o.error.message }, 'image copy failed');
        this.deps.events.append({ kind: 'image.copy.failed', severity: 'error', host: o.host, ...context, message: `${ref} could not be copied from ${source.name} to ${o.host}: ${o.error.message}`, data: this.eventData(ref, image, source, finalTransfer) });
      }
    }
    const transfers = progress.snapshot();
    report([...done, ...transfers]);
    return [...done, ...transfers];
  }

  private eventData(ref: string, image: SourceImage, source: Place, t: ImageTransfer): Record<string, unknown> {
    const data: ImageCopyEventData = { image: ref, id: image.id, source: source.name, sentBytes: t.sentBytes, totalBytes: t.totalBytes, skippedBytes: t.skippedBytes };
    return { ...data };
  }
}

/** The error for an image found nowhere: what was looked at, and what to do. */
export function imageNowhere(ref: string, looked: string[], localSocket: string | null): BatonError {
  const where = looked.length > 0 ? looked.join(', ') : 'no place (no host is ready)';
  const local = looked.includes(LOCAL_ENGINE_PLACE) ? '' : localSocket !== null ? ` (this machine has no engine at ${localSocket})` : '';
  return new BatonError(
    'NOT_FOUND',
    `${ref} is on no host and not on this machine's engine: looked on ${where}${local}, and it can't be pulled where it was needed.`,
    { image: ref, looked },
    `Build or load it where Baton can find it: docker build -t ${ref} . (or docker load -i FILE) on this machine or on a host, then apply again or run baton image push ${ref} --all.`,
  );
}
