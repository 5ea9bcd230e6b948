// Images without a registry: what `baton image ls` shows, what `baton image push` asks and streams
// back, and the events an image copy writes. One contract for the CLI, the renderer and the
// reconciler's automatic copies.
import { z } from 'zod';
import { HOST_NAME_PATTERN } from './host-name.ts';

/** Where Baton found an image: a host it manages, or the engine of the machine it runs on. */
export const LOCAL_ENGINE_PLACE = '(local engine)';

/** An image reference as Docker takes it: "web:2", "registry.example/team/web@sha256:…", or an id. */
export const ImageRef = z
  .string()
  .min(1)
  .max(512)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._\-/:@]*$/, 'an image is written like web:2, team/web:1.4 or sha256:… (letters, digits, ".", "_", "-", "/", ":", "@")');

export const ImageInfo = z.object({
  /** The tag (repo:tag) or, for an untagged image, its id. */
  ref: z.string(),
  /** The image id (sha256:…): the same id means the same image everywhere. */
  id: z.string(),
  /** Uncompressed size, as the engine reports it. */
  sizeBytes: z.number().int().nonnegative(),
  /** The hosts that have it (LOCAL_ENGINE_PLACE for this machine's engine when it is no host). */
  hosts: z.array(z.string()),
});
export type ImageInfo = z.infer<typeof ImageInfo>;

export const ImagePushParams = z
  .object({
    image: ImageRef,
    /** The hosts to push to; empty or absent with `all`: every ready host that lacks it. */
    to: z.array(z.string().regex(HOST_NAME_PATTERN)).optional(),
    all: z.boolean().optional(),
  })
  .strict();
export type ImagePushParams = z.input<typeof ImagePushParams>;

/** What one host needs to run an image, as a plan says it (pure: from inspect answers only). */
export const ImageNeed = z.object({
  host: z.string(),
  /** present: it has the image; tag: it has the same id under another name; copy: bytes must go. */
  action: z.enum(['present', 'tag', 'copy']),
  /** Bytes of the layers it lacks (an estimate from the source's history; 0 unless copy). */
  bytes: z.number().int().nonnegative(),
  /** Of the image's layers, how many it lacks. */
  layersMissing: z.number().int().nonnegative(),
  layers: z.number().int().nonnegative(),
  /** Whole: its engine keeps images in containerd, where a partial archive is not accepted. */
  whole: z.boolean(),
});
export type ImageNeed = z.infer<typeof ImageNeed>;

/** One host's transfer, as it goes. */
export const ImageTransfer = z.object({
  host: z.string(),
  /** Bytes of the archive sent to the host so far. */
  sentBytes: z.number().int().nonnegative(),
  /** What it is expected to take (an estimate until done; then what was sent). */
  totalBytes: z.number().int().nonnegative(),
  /** Bytes of the source's archive left out, because the host had those layers. */
  skippedBytes: z.number().int().nonnegative(),
  state: z.enum(['sending', 'loading', 'done', 'failed']),
  error: z.string().nullable(),
});
export type ImageTransfer = z.infer<typeof ImageTransfer>;

/** A push as it goes (chunks of the image.push stream): the plan, then progress, then the outcome. */
export const ImagePushChunk = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('plan'),
    image: z.string(),
    id: z.string(),
    /** Where the bytes come from. */
    source: z.string(),
    needs: z.array(ImageNeed),
  }),
  z.object({ kind: z.literal('progress'), image: z.string(), transfers: z.array(ImageTransfer) }),
  z.object({ kind: z.literal('done'), image: z.string(), id: z.string(), source: z.string(), transfers: z.array(ImageTransfer), durationMs: z.number().nonnegative() }),
]);
export type ImagePushChunk = z.infer<typeof ImagePushChunk>;

/** The events an image copy writes (`kind` of BatonEvent), and the `data` each carries. */
export const IMAGE_EVENT_KINDS = ['image.pulling', 'image.copying', 'image.copy.progress', 'image.copied', 'image.copy.failed', 'image.tagged'] as const;
export type ImageEventKind = (typeof IMAGE_EVENT_KINDS)[number];

export interface ImageCopyEventData {
  image: string;
  id: string;
  source: string;
  sentBytes: number;
  totalBytes: number;
  skippedBytes: number;
}
