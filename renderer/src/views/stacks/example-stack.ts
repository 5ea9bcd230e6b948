// The example stack the editor offers, made from an image the hosts already have (image.list):
// an example that names an image no host has fails at Apply on an offline host, or pulls for
// minutes. Pure: the images and hosts in, the choice and the file out.
import type { ImageInfo } from '../../../../shared/images.ts';

/**
 * Images Baton runs for itself, never offered as an example: the secrets' pause image
 * (secrets/pause-image.ts PAUSE_IMAGE) and the ingress's HAProxy (ingress/ingress.ts
 * DEFAULT_INGRESS_IMAGE, or another HAProxy build the ingress is configured with), in any repository.
 */
const OWN_IMAGES = [/(^|\/)baton-pause(:|@|$)/, /(^|\/)haproxy(:|@|$)/, /(^|\/)baton-ingress(:|@|$)/];

/** Web servers whose port is known, so the example can publish it: repository → container port. */
const WEB_PORTS: ReadonlyArray<[RegExp, number]> = [
  [/^(library\/)?nginx$/, 80],
  [/^nginxinc\/nginx-unprivileged$/, 8080],
  [/^(library\/)?httpd$/, 80],
  [/^(library\/)?caddy$/, 80],
  [/^traefik\/whoami$/, 80],
];

/** The image of the example when no host has any: the classic, which a host must pull. */
export const FALLBACK_IMAGE = 'nginx:alpine';

export interface ExampleChoice {
  image: string;
  /** The ready hosts that have it (sorted); empty when it is the fallback. */
  hosts: string[];
  /** Its container port when it is a known web server, else null (the example publishes nothing). */
  port: number | null;
}

function repository(ref: string): string {
  const at = ref.indexOf('@');
  const bare = at === -1 ? ref : ref.slice(0, at);
  const colon = bare.lastIndexOf(':');
  return colon > bare.lastIndexOf('/') ? bare.slice(0, colon) : bare;
}

function webPort(ref: string): number | null {
  const repo = repository(ref).replace(/^docker\.io\//, '');
  for (const [pattern, port] of WEB_PORTS) if (pattern.test(repo)) return port;
  return null;
}

/**
 * The image the example uses: of the tagged images on ready hosts (Baton's own left out), the one
 * most of them have; then a known web server (its port can be published); then the name, so the
 * same hosts always give the same example. The fallback when no ready host has any.
 */
export function chooseExampleImage(images: readonly ImageInfo[], readyHosts: readonly string[]): ExampleChoice {
  const ready = new Set(readyHosts);
  const candidates = images
    .filter((i) => i.ref !== i.id && !i.ref.startsWith('sha256:') && !i.ref.includes('<none>'))
    .filter((i) => !OWN_IMAGES.some((own) => own.test(i.ref)))
    .map((i) => ({ image: i.ref, hosts: [...new Set(i.hosts.filter((h) => ready.has(h)))].sort(), port: webPort(i.ref) }))
    .filter((c) => c.hosts.length > 0)
    .sort((a, b) => b.hosts.length - a.hosts.length || Number(b.port !== null) - Number(a.port !== null) || a.image.localeCompare(b.image));
  return candidates[0] ?? { image: FALLBACK_IMAGE, hosts: [], port: 80 };
}

/** A host list as a person says it: "lab-1", "lab-1 and lab-2", "lab-1, lab-2 and 3 more". */
export function hostList(hosts: readonly string[]): string {
  if (hosts.length <= 2) return hosts.join(' and ');
  if (hosts.length === 3) return `${hosts[0]}, ${hosts[1]} and ${hosts[2]}`;
  return `${hosts[0]}, ${hosts[1]} and ${hosts.length - 2} more`;
}

/** What the example says of its image, in the editor and as the file's first comment. */
export function exampleNote(choice: ExampleChoice): string {
  if (choice.hosts.length === 0) return `No ready host has an image yet: the example uses ${choice.image}, which a host must pull (it needs a registry).`;
  return `The example uses ${choice.image}, which ${hostList(choice.hosts)} ${choice.hosts.length === 1 ? 'has' : 'have'}: it starts without a pull.`;
}

/** The example stack for a choice: two replicas of the image, its port published when known. */
export function exampleCompose(choice: ExampleChoice): string {
  const lines = [
    `# ${exampleNote(choice)}`,
    'name: hello',
    '',
    'services:',
    '  web:',
    `    image: ${choice.image}`,
  ];
  if (choice.port !== null) lines.push('    ports:', `      - "8080:${choice.port}"`);
  lines.push(
    '    deploy:',
    '      replicas: 2',
    '      resources:',
    '        reservations:',
    '          cpus: "0.1"',
    '          memory: 32M',
    '',
  );
  return lines.join('\n');
}
