// Pure decisions about moving an image: where to take it from, and what each host needs. From
// inspect answers only, so a dry run can say it without pulling or sending anything.
import type { ImageNeed } from '../../../shared/images.ts';

/** An image as one place (a host, or the local engine) has it. */
export interface ImageAt {
  place: string;
  /** The image's id there, or null when that place does not have the reference. */
  id: string | null;
  /** Is this the engine of the machine Baton runs on? */
  local: boolean;
}

export type SourceChoice = { kind: 'source'; place: string; id: string } | { kind: 'nowhere' } | { kind: 'ambiguous'; ids: Record<string, string[]> };

/**
 * Where to copy an image from. The reference must mean one image: when places disagree on its id
 * (a tag rebuilt on one machine only) a copy would spread one of them silently, so it is refused,
 * unless `wantId` (the id a spec pinned, or the one the local engine has) settles it. The local
 * engine comes first (that is where `docker build` just ran), then hosts by name: deterministic.
 */
export function chooseSource(places: ImageAt[], wantId: string | null = null): SourceChoice {
  const having = places.filter((p): p is ImageAt & { id: string } => p.id !== null && (wantId === null || p.id === wantId));
  if (having.length === 0) return { kind: 'nowhere' };
  const ordered = [...having].sort((a, b) => (a.local !== b.local ? (a.local ? -1 : 1) : a.place < b.place ? -1 : a.place > b.place ? 1 : 0));
  const ids = new Set(ordered.map((p) => p.id));
  if (ids.size > 1 && !ordered[0]!.local) {
    const byId: Record<string, string[]> = {};
    for (const p of ordered) (byId[p.id] ??= []).push(p.place);
    return { kind: 'ambiguous', ids: byId };
  }
  return { kind: 'source', place: ordered[0]!.place, id: ordered[0]!.id };
}

/** The image to copy, as its source describes it. */
export interface SourceImage {
  id: string;
  /** RootFS.Layers: diff ids, bottom first. */
  diffIds: string[];
  /** Per layer, its size in bytes (from the history), or null when the history can't say. */
  layerSizes: number[] | null;
  /** The whole image's size (what is sent when layer sizes are unknown). */
  sizeBytes: number;
}

/** A host as a plan sees it. */
export interface TargetView {
  host: string;
  /** The id the host has under the reference, or null. */
  refId: string | null;
  /** Does it have the source's id under any name? */
  hasId: boolean;
  /** Every layer its images are made of (the union of their RootFS.Layers). */
  layers: ReadonlySet<string>;
  /** Its engine keeps images in containerd: a partial archive is not something to rely on there. */
  containerdStore: boolean;
}

/**
 * Per layer, its size, from Docker's history of the image (newest first). Only the entries that
 * made a layer have a size, and an empty layer (a RUN that changed nothing) has none: when the
 * sized entries are as many as the layers, they are the layers, else when the entries are as many
 * as the layers they map one to one; otherwise the history can't say (null).
 */
export function layerSizes(history: { Size: number }[], layers: number): number[] | null {
  const oldestFirst = [...history].reverse();
  const sized = oldestFirst.filter((h) => h.Size > 0);
  if (sized.length === layers) return sized.map((h) => h.Size);
  if (oldestFirst.length === layers) return oldestFirst.map((h) => h.Size);
  return null;
}

/** The layers a host lacks, bottom first. */
export function missingLayers(source: SourceImage, target: Pick<TargetView, 'layers' | 'containerdStore'>): string[] {
  if (target.containerdStore) return [...source.diffIds];
  return source.diffIds.filter((id) => !target.layers.has(id));
}

/** Bytes of these missing layers (the whole image when the sizes are unknown). */
function bytesOf(source: SourceImage, missing: string[]): number {
  if (missing.length === 0) return 0;
  if (source.layerSizes === null) return source.sizeBytes;
  const wanted = new Set(missing);
  return source.diffIds.reduce((sum, id, i) => sum + (wanted.has(id) ? (source.layerSizes![i] ?? 0) : 0), 0);
}

/**
 * What each host needs. One that has the reference at the source's id needs nothing; one that has
 * the id under another name needs only a tag (no bytes); others need a copy of the layers they lack.
 */
export function planCopies(source: SourceImage, targets: TargetView[]): ImageNeed[] {
  return targets.map((t) => {
    const base = { host: t.host, layers: source.diffIds.length, whole: t.containerdStore };
    if (t.refId === source.id) return { ...base, action: 'present', bytes: 0, layersMissing: 0 };
    if (t.hasId) return { ...base, action: 'tag', bytes: 0, layersMissing: 0 };
    const missing = missingLayers(source, t);
    return { ...base, action: 'copy', bytes: bytesOf(source, missing), layersMissing: missing.length };
  });
}

/** The layers to leave out of the archive for a host: those it has (none on a containerd store). */
export function layersToSkip(source: SourceImage, target: Pick<TargetView, 'layers' | 'containerdStore'>): Set<string> {
  if (target.containerdStore) return new Set();
  return new Set(source.diffIds.filter((id) => target.layers.has(id)));
}
