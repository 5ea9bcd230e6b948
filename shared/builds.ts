// Images Baton builds from a service's `build:`: the context as the applying client sends it,
// what a plan says about each build, and the data of the events a build writes. One contract for
// the CLI, the renderer and the control plane.
import { z } from 'zod';

/**
 * What a client sends with an apply, per service with `build:`: the folder after .dockerignore as a
 * tar archive, in memory and base64 on the wire (an apply is one message: the socket and the
 * WebSocket take at most 16 MiB). `contentBytes` and `entries` bound one context; `tarBytes` all of
 * an apply's together.
 */
export const BUILD_CONTEXT_LIMITS = { contentBytes: 6 * 1024 * 1024, entries: 4000, tarBytes: 10 * 1024 * 1024 } as const;

/** The label on every image Baton builds: the build digest it was built from (BuildSpec.digest). */
export const BUILD_DIGEST_LABEL = 'baton.build-digest';

export const BuildContextUpload = z
  .object({
    /** "sha256:…" of the context after .dockerignore (entries' paths, kinds, modes, contents). */
    digest: z.string().regex(/^sha256:[0-9a-f]{64}$/, 'a context digest is sha256: and 64 hex digits'),
    /** The tar archive, base64. Left out by a dry run (nothing is built then). */
    tar: z.string().max(Math.ceil((BUILD_CONTEXT_LIMITS.tarBytes * 4) / 3) + 4, `a build context is at most ${BUILD_CONTEXT_LIMITS.tarBytes / 1024 / 1024} MiB as a tar archive`).optional(),
  })
  .strict();
export type BuildContextUpload = z.input<typeof BuildContextUpload>;

/** Service name → its context. */
export const BuildContexts = z.record(z.string().min(1).max(64), BuildContextUpload).superRefine((contexts, ctx) => {
  const total = Object.values(contexts).reduce((n, c) => n + (c.tar?.length ?? 0), 0);
  if (total > Math.ceil((BUILD_CONTEXT_LIMITS.tarBytes * 4) / 3) + 4) ctx.addIssue({ code: 'custom', message: `the build contexts of an apply are at most ${BUILD_CONTEXT_LIMITS.tarBytes / 1024 / 1024} MiB in all` });
});

/** What an apply does about one service's `build:`. */
export const PlanBuild = z.object({
  service: z.string(),
  /** The image it builds (or found built): `image:`, or `<stack>-<service>:<tag from the digest>`. */
  image: z.string(),
  /** BuildSpec.digest. */
  digest: z.string(),
  /** build: it will be (or was) built on `on`; up-to-date: an image built from this digest is on `on` already. */
  action: z.enum(['build', 'up-to-date']),
  /** A host's name, or the local engine (shared/images.ts LOCAL_ENGINE_PLACE). */
  on: z.string(),
  /** Why there, in words. */
  reason: z.string(),
});
export type PlanBuild = z.infer<typeof PlanBuild>;

/** `data` of the build.* events. */
export interface BuildEventData {
  image: string;
  digest: string;
  /** Where it is built. */
  on: string;
  /** build.output: lines of the build's output, in order. */
  lines?: string[];
  /** build.failed: the step that failed ("Step 2/3 : RUN make"), or null when it failed before one. */
  step?: string | null;
  /** build.completed: the image id. */
  id?: string;
  durationMs?: number;
}
