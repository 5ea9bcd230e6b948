// Carries out what decide-builds.ts decided for an apply: asks every place whether it has each
// image and which build digest its label says, builds what is not up to date on the engine chosen
// (the context, held in memory as the client sent it, streamed to POST /build: nothing is written
// to a disk), writes the build's output as events while it runs, and delivers the image to the
// hosts the service's replicas go to with the image copy (only the layers each lacks).
import { PassThrough } from 'node:stream';
import { BUILD_DIGEST_LABEL, type BuildEventData, type PlanBuild } from '../../../shared/builds.ts';
import { BatonError } from '../../../shared/errors.ts';
import type { EventKind } from '../../../shared/events.ts';
import { LOCAL_ENGINE_PLACE } from '../../../shared/images.ts';
import type { BuildSpec } from '../../../shared/stack.ts';
import type { EventLog } from '../events/event-log.ts';
import type { ImageService } from '../images/image-service.ts';
import type { Logger } from '../log.ts';
import { BuildOutput } from './build-output.ts';
import { decideBuilds, type BuildAsk } from './decide-builds.ts';

/** A build that takes longer is cut off. */
const BUILD_DEADLINE_MS = 30 * 60_000;
/** Output goes out as an event at least this often while lines come (and at each step). */
const OUTPUT_EVENT_MS = 300;
const OUTPUT_EVENT_LINES = 50;

interface InspectedLabels {
  Id?: string;
  Config?: { Labels?: Record<string, string> | null };
}

export class ImageBuilder {
  constructor(
    private readonly deps: {
      images: ImageService;
      events: EventLog;
      log: Logger;
    },
  ) {}

  /** What each build would do; throws when there is no place to build at all. */
  async plan(asks: Omit<BuildAsk, 'found'>[]): Promise<PlanBuild[]> {
    const places = this.deps.images.engines();
    const full: BuildAsk[] = await Promise.all(
      asks.map(async (ask) => {
        const found = await Promise.all(
          places.map(async (p) => {
            const image = (await p.engine.inspectImage(ask.image).catch(() => null)) as InspectedLabels | null;
            return image === null ? null : { place: p.name, digest: image.Config?.Labels?.[BUILD_DIGEST_LABEL] ?? null };
          }),
        );
        return { ...ask, found: found.filter((f) => f !== null) };
      }),
    );
    const decided = decideBuilds(full, places.map((p) => ({ name: p.name, local: p.local })));
    return decided.map((d, i) => {
      if (d !== null) return d;
      throw new BatonError('HOST_UNREACHABLE', `${asks[i]!.service} is to be built, but no host is ready and this machine has no engine: there is nowhere to build it. Nothing was applied.`, { service: asks[i]!.service }, 'Wait until a host is ready (baton host ls), or run Baton where a Docker engine is, then apply again.');
    });
  }

  /** Builds one image as planned; throws, after the build.failed event, with the step that failed. */
  async build(stack: string, decision: PlanBuild, spec: BuildSpec, tar: Buffer): Promise<void> {
    const place = this.deps.images.engines().find((p) => p.name === decision.on);
    if (!place) throw new BatonError('HOST_UNREACHABLE', `${decision.on} is no longer ready: ${decision.image} can't be built there now. Nothing was applied.`, { host: decision.on }, 'Apply again once it is ready (baton host ls).');
    const { service, image, digest, on } = decision;
    const context = { stack, service, ...(on !== LOCAL_ENGINE_PLACE ? { host: on } : {}) };
    const event = (kind: EventKind, message: string, data: BuildEventData, severity: 'info' | 'error' = 'info') => this.deps.events.append({ kind, ...context, message, data: { ...data }, ...(severity === 'error' ? { severity } : {}) });
    const started = Date.now();
    event('build.started', `${stack}/${service}: building ${image} on ${on} (${(tar.length / 1024).toFixed(0)} KiB of context)`, { image, digest, on });

    const output = new BuildOutput();
    let held: string[] = [];
    let lastFlush = Date.now();
    const flush = () => {
      if (held.length === 0) return;
      event('build.output', held.join('\n'), { image, digest, on, lines: held });
      held = [];
      lastFlush = Date.now();
    };
    const take = (lines: string[]) => {
      for (const line of lines) {
        if (/^Step \d+\/\d+ : /.test(line)) flush(); // each step starts an event of its own
        held.push(line);
      }
      if (held.length >= OUTPUT_EVENT_LINES || Date.now() - lastFlush >= OUTPUT_EVENT_MS) flush();
    };

    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), BUILD_DEADLINE_MS);
    let failure: { step: string | null; message: string; output: string[] } | null = null;
    let id: string | null = null;
    try {
      const answer = await place.engine.build(
        PassThrough.from([tar]),
        { t: image, dockerfile: spec.dockerfile, buildargs: spec.args, labels: { ...spec.labels, [BUILD_DIGEST_LABEL]: digest }, ...(spec.target !== null ? { target: spec.target } : {}) },
        abort.signal,
      );
      for await (const chunk of answer as AsyncIterable<Buffer>) take(output.push(chunk.toString('utf8')));
      const end = output.end();
      take(end.lines);
      failure = end.failure;
      id = end.id;
      if (failure === null && id === null) failure = { step: null, message: 'the engine ended the build without saying it built an image', output: [] };
    } catch (err) {
      const message = abort.signal.aborted ? `it took longer than ${BUILD_DEADLINE_MS / 60_000} minutes and was cut off` : (err as Error).message;
      failure = { step: null, message, output: [] };
    } finally {
      clearTimeout(timer);
      flush();
    }
    if (failure !== null) {
      const where = failure.step !== null ? ` at ${failure.step}` : '';
      event('build.failed', `${stack}/${service}: the build of ${image} on ${on} failed${where}: ${failure.message}`, { image, digest, on, step: failure.step, lines: failure.output }, 'error');
      this.deps.log.warn({ stack, service, image, on, step: failure.step, err: failure.message }, 'build failed');
      const shown = failure.output.length > 0 ? `\n${failure.output.map((l) => `  | ${l}`).join('\n')}` : '';
      throw new BatonError(
        'INVALID_INPUT',
        `The build of ${stack}/${service} (${image}) on ${on} failed${where}: ${failure.message}${shown}\nNothing was applied.`,
        { service, image, on, step: failure.step, output: failure.output },
        failure.step !== null ? `Fix that step in ${spec.context}/${spec.dockerfile} (its last output is above), then apply again.` : `Fix ${spec.context}/${spec.dockerfile} as the engine says (or the context it is built from), then apply again.`,
      );
    }
    const durationMs = Date.now() - started;
    event('build.completed', `${stack}/${service}: built ${image} on ${on} in ${(durationMs / 1000).toFixed(1)} s`, { image, digest, on, id: id ?? undefined, durationMs });
  }

  /** Says a build is not needed: the image built from the same digest is there. */
  upToDate(stack: string, decision: PlanBuild): void {
    this.deps.events.append({ kind: 'build.up-to-date', stack, service: decision.service, message: `${stack}/${decision.service}: ${decision.reason}: not built again`, data: { image: decision.image, digest: decision.digest, on: decision.on } satisfies BuildEventData as unknown as Record<string, unknown> });
  }

  /** Copies the image to the hosts that will run it and lack it (or hold another image under its name). */
  async deliver(image: string, hosts: string[]): Promise<void> {
    if (hosts.length === 0) return;
    await this.deps.images.push({ image, to: hosts }, () => {});
  }
}
