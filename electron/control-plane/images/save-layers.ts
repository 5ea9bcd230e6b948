// Which entries of a `docker save` archive hold layers a receiving engine already has, so they can
// be left out of the stream (manifest.json unchanged: `docker load` skips reading a layer it has).
//
// Two archive layouts:
// - Docker before 25 writes a folder per layer, `<v1 id>/{VERSION,json,layer.tar}`, in the order of
//   those names, not of the layers, and the manifest that maps folders to layers comes last. A
//   folder's v1 id is derived from the layer chain (Docker's v1.CreateID: the sha256 of the layer's
//   v1 json without id and parent, plus `layer_id` = the chain id and `parent` = the parent's v1
//   id, keys sorted). Every layer but the top one gets the same json (made at the epoch), so the
//   folder of layer i can be told from its json, which comes before its layer.tar in the archive.
//   The top layer carries the image's own config and is always sent (a host that lacks the image
//   lacks its top layer in nearly every case).
// - Docker 25 and later write an OCI layout: an uncompressed layer is `blobs/sha256/<diff id>`.
// An entry that can't be placed is kept: a mistake costs bytes, never a broken image.
import { createHash } from 'node:crypto';
import type { EntryDecider, EntryVerdict } from './tar-filter.ts';

const sha256 = (text: string): string => 'sha256:' + createHash('sha256').update(text).digest('hex');

/** The chain ids of a layer list (what the engine's layer store names a stack of layers by). */
export function chainIds(diffIds: string[]): string[] {
  const out: string[] = [];
  for (const id of diffIds) out.push(out.length === 0 ? id : sha256(`${out[out.length - 1]!} ${id}`));
  return out;
}

/** JSON as Go's encoding/json writes a map: keys sorted, no spaces (values keep their own order). */
function sortedJson(value: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(Object.keys(value).sort().map((k) => [k, value[k]])));
}

/**
 * The v1 ids Docker's save gives layers 0…n-1 when each has this v1 json (without id, parent and
 * os, which Docker sets after it derives the id), as hex folder names.
 */
export function v1LayerIds(json: Record<string, unknown>, diffIds: string[]): string[] {
  const { id: _id, parent: _parent, os: _os, ...template } = json;
  const ids: string[] = [];
  let parent: string | null = null;
  for (const chain of chainIds(diffIds)) {
    const id = sha256(sortedJson({ ...template, layer_id: chain, ...(parent !== null ? { parent } : {}) }));
    ids.push(id.slice('sha256:'.length));
    parent = id;
  }
  return ids;
}

const LEGACY_JSON = /^([0-9a-f]{64})\/json$/;
const LEGACY_LAYER = /^([0-9a-f]{64})\/layer\.tar$/;
const OCI_BLOB = /^blobs\/sha256\/([0-9a-f]{64})$/;

/** The decider for one receiver: drops the layers in `skip` (diff ids), keeps everything else. */
export class SaveArchiveDecider implements EntryDecider {
  /** Folder (v1 id) → diff id, as learnt from the folders' json entries. */
  private readonly folders = new Map<string, string>();
  readonly skippedLayers: string[] = [];

  constructor(
    /** The image's layers, bottom first (RootFS.Layers). */
    private readonly diffIds: string[],
    private readonly skip: ReadonlySet<string>,
  ) {}

  decide(name: string): EntryVerdict {
    if (this.skip.size === 0) return 'keep';
    if (LEGACY_JSON.test(name)) return 'read';
    const legacy = LEGACY_LAYER.exec(name);
    const layer = legacy ? this.folders.get(legacy[1]!) : OCI_BLOB.test(name) ? `sha256:${OCI_BLOB.exec(name)![1]!}` : undefined;
    if (layer !== undefined && this.skip.has(layer)) {
      this.skippedLayers.push(layer);
      return 'drop';
    }
    return 'keep';
  }

  read(name: string, content: Buffer): void {
    const folder = LEGACY_JSON.exec(name)?.[1];
    if (!folder) return;
    let json: unknown;
    try {
      json = JSON.parse(content.toString('utf8'));
    } catch {
      return; // not a v1 json: its layer is sent
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return;
    const at = v1LayerIds(json as Record<string, unknown>, this.diffIds).indexOf(folder);
    if (at >= 0) this.folders.set(folder, this.diffIds[at]!);
  }
}
