// `baton apply` reads the build context of every service with `build:` here, on the client's side
// (the folder beside the stack file, after its .dockerignore), and sends each as a tar archive with
// the stack: the control plane reads no folder a stack names, and it may run on another machine.
// A dry run sends digests only: nothing is built then.
import { dirname, resolve } from 'node:path';
import { BUILD_CONTEXT_LIMITS, type BuildContextUpload } from '../../../shared/builds.ts';
import { BatonError } from '../../../shared/errors.ts';
import { parseStackFile } from '../../control-plane/stacks/spec/parse-stack.ts';
import { readBuildContext } from './build-context.ts';

/** What else decides the services an apply deploys: the -f files merged over the stack file, the active profiles. */
export interface LoadedWith {
  overrides?: readonly string[];
  profiles?: readonly string[];
}

/**
 * Service name → its context, for StackApplyParams.builds: the services the apply deploys, so
 * with the same -f files and profiles (a `build:` may come from an override, or a profile's
 * service). A file with problems sends none (the control plane reports them).
 */
export function readBuildContexts(source: string, file: string, env: Record<string, string>, files: Record<string, string>, dryRun: boolean, loaded: LoadedWith = {}): Record<string, BuildContextUpload> {
  const parsed = parseStackFile({ text: source, file, env, files, ...(loaded.overrides ? { overrides: loaded.overrides } : {}), ...(loaded.profiles ? { profiles: loaded.profiles } : {}) });
  const out: Record<string, BuildContextUpload> = {};
  let total = 0;
  for (const spec of parsed.stack?.services ?? []) {
    if (!spec.build) continue;
    const folder = resolve(dirname(file), spec.build.context);
    const context = readBuildContext(folder, spec.build.dockerfile, { maxBytes: BUILD_CONTEXT_LIMITS.contentBytes, maxEntries: BUILD_CONTEXT_LIMITS.entries }, `service ${spec.name}`);
    total += context.tar.length;
    if (total > BUILD_CONTEXT_LIMITS.tarBytes) {
      throw new BatonError(
        'INVALID_INPUT',
        `The build contexts of ${file} come to ${(total / 1024 / 1024).toFixed(1)} MiB as tar archives (with ${folder}), more than an apply sends (${BUILD_CONTEXT_LIMITS.tarBytes / 1024 / 1024} MiB). Nothing was applied.`,
        { total },
        'Leave out what the images do not need with a .dockerignore in each context, or build some of them yourself and write `image:` for those.',
      );
    }
    out[spec.name] = dryRun ? { digest: context.digest } : { digest: context.digest, tar: context.tar.toString('base64') };
  }
  return out;
}
