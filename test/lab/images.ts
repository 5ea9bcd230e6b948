// Test images, made without a registry or `docker build`: a rootfs staged from this
// machine's Debian binaries, tarred reproducibly, wrapped in the archive format
// `docker load` reads. Same bytes on every host and every run, so the image IDs
// are the same everywhere.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, copyFile, mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { run } from './exec.ts';
import { IMAGES } from './layout.ts';
import { dockerGet } from './probes.ts';

const CREATED = '2024-01-01T00:00:00Z';
const MTIME = '@1704067200'; // CREATED, for tar
const HAPROXY_CFG = '/usr/local/etc/haproxy/haproxy.cfg';

interface ImageConfig {
  Env: string[];
  Entrypoint: string[];
  Cmd?: string[];
  ExposedPorts?: Record<string, Record<string, never>>;
  WorkingDir: string;
  Labels: Record<string, string>;
}

interface ImageDef {
  tags: string[];
  config: ImageConfig;
}

const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

// Entry point of baton-test/web. sh stays PID 1 with a TERM trap so `docker stop` is
// immediate (a PID 1 without a handler ignores SIGTERM and waits out the 10 s timeout).
const WEB_START = `#!/bin/sh
# baton-test/web: busybox httpd on $PORT (8080).
#   /health -> 200 "ok"; 404 when FAIL_HEALTH=1
#   /       -> "baton-test/web version=<1|2> hostname=<container hostname>"
# With arguments it runs them instead (docker run baton-test/web:1 wget -qO- …).
[ $# -gt 0 ] && exec "$@"
mkdir -p /www
[ "$FAIL_HEALTH" = 1 ] || echo ok > /www/health
echo "baton-test/web version=$WEB_VERSION hostname=$(hostname)" > /www/index.html
trap 'exit 0' TERM INT
httpd -f -p "\${PORT:-8080}" -h /www &
wait $!
`;

const HAPROXY_DEFAULT_CFG = `# Default config of baton-test/haproxy; mount your own over ${HAPROXY_CFG}.
global
    log stdout format raw local0

defaults
    mode http
    log global
    timeout connect 5s
    timeout client 30s
    timeout server 30s

frontend healthz
    bind :8404
    http-request return status 200 content-type text/plain string ok if { path /healthz }
`;

function webImage(version: '1' | '2', tag: string): ImageDef {
  return {
    tags: [tag],
    config: {
      Env: [PATH_ENV, `WEB_VERSION=${version}`, 'PORT=8080'],
      Entrypoint: ['/bin/sh', '/start.sh'],
      ExposedPorts: { '8080/tcp': {} },
      WorkingDir: '/',
      Labels: { 'org.baton.test': 'web', 'org.baton.test.version': version },
    },
  };
}

function haproxyImage(debianVersion: string): ImageDef {
  return {
    tags: [IMAGES.haproxy, `baton-test/haproxy:${debianVersion}`],
    config: {
      Env: [PATH_ENV],
      Entrypoint: ['/usr/sbin/haproxy'],
      Cmd: ['-W', '-db', '-f', HAPROXY_CFG],
      WorkingDir: '/',
      Labels: { 'org.baton.test': 'haproxy', 'org.baton.test.version': debianVersion },
    },
  };
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function writeFileIn(root: string, path: string, content: string, mode: number): Promise<void> {
  const full = join(root, path);
  await mkdir(dirname(full), { recursive: true });
  await writeFile(full, content);
  await chmod(full, mode);
}

async function copyIn(root: string, from: string, to = from): Promise<void> {
  const full = join(root, to);
  await mkdir(dirname(full), { recursive: true });
  await copyFile(from, full); // follows symlinks: the library itself, at the path ldd names
}

// Debian's static busybox at /bin/busybox plus a symlink for every applet, and the
// few files a container expects.
async function stageBase(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true });
  await copyIn(root, '/bin/busybox');
  const applets = (await run('/bin/busybox', ['--list-full'])).split('\n').filter((a) => a && a !== 'bin/busybox');
  for (const applet of applets) {
    await mkdir(dirname(join(root, applet)), { recursive: true });
    await symlink('/bin/busybox', join(root, applet));
  }
  await writeFileIn(root, 'etc/passwd', 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n', 0o644);
  await writeFileIn(root, 'etc/group', 'root:x:0:\nnogroup:x:65534:\n', 0o644);
  for (const dir of ['tmp', 'root', 'run', 'var/tmp']) await mkdir(join(root, dir), { recursive: true });
  await chmod(join(root, 'tmp'), 0o1777);
  await chmod(join(root, 'var/tmp'), 0o1777);
}

async function stageWeb(root: string): Promise<void> {
  await stageBase(root);
  await writeFileIn(root, 'start.sh', WEB_START, 0o755);
  await mkdir(join(root, 'www'));
}

// The paths ldd prints: 'libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)' and
// '/lib64/ld-linux-x86-64.so.2 (0x…)'; linux-vdso has none.
function lddPaths(output: string): string[] {
  return output
    .split('\n')
    .map((line) => line.trim().replace(/^.*=>\s*/, '').split(' ')[0] ?? '')
    .filter((p) => p.startsWith('/'));
}

async function stageHaproxy(root: string): Promise<void> {
  await stageBase(root);
  await copyIn(root, '/usr/sbin/haproxy');
  for (const lib of lddPaths(await run('ldd', ['/usr/sbin/haproxy']))) await copyIn(root, lib);
  await writeFileIn(root, HAPROXY_CFG.slice(1), HAPROXY_DEFAULT_CFG, 0o644);
  await mkdir(join(root, 'var/lib/haproxy'), { recursive: true });
}

// A reproducible layer: sorted entries, fixed times and owners.
async function tarLayer(root: string, out: string): Promise<string> {
  const entries = (await readdir(root)).sort();
  const args = ['--sort=name', `--mtime=${MTIME}`, '--owner=0', '--group=0', '--numeric-owner', '-C', root, '-cf', out, ...entries];
  await run('tar', args);
  return sha256File(out);
}

function goArch(): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' };
  return map[process.arch] ?? process.arch;
}

// Writes a `docker load` archive holding the images, all on the one layer.
async function writeArchive(work: string, rootfs: string, images: ImageDef[], out: string): Promise<void> {
  const diffId = await tarLayer(rootfs, join(work, 'layer.tar'));
  const dir = join(work, 'archive');
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, diffId), { recursive: true });
  await run('mv', [join(work, 'layer.tar'), join(dir, diffId, 'layer.tar')]);
  const manifest = [];
  for (const image of images) {
    const config = JSON.stringify({
      architecture: goArch(),
      os: 'linux',
      created: CREATED,
      config: image.config,
      rootfs: { type: 'layers', diff_ids: [`sha256:${diffId}`] },
      history: [{ created: CREATED, created_by: 'baton test lab (test/lab/images.ts)' }],
    });
    const configName = `${createHash('sha256').update(config).digest('hex')}.json`;
    await writeFile(join(dir, configName), config);
    manifest.push({ Config: configName, RepoTags: image.tags, Layers: [`${diffId}/layer.tar`] });
  }
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
  const entries = (await readdir(dir)).sort();
  await run('tar', ['--sort=name', `--mtime=${MTIME}`, '--owner=0', '--group=0', '--numeric-owner', '-C', dir, '-cf', out, ...entries]);
}

async function haproxyVersion(): Promise<string> {
  const out = await run('/usr/sbin/haproxy', ['-v']);
  const version = /HAProxy version (\d+\.\d+\.\d+)/.exec(out)?.[1];
  if (!version) throw new Error(`cannot read the version from haproxy -v: ${out}`);
  return version;
}

// Builds both archives under dir; returns their paths.
export async function buildImageArchives(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const webWork = join(dir, 'web');
  const haproxyWork = join(dir, 'haproxy');
  const web = join(dir, 'web.tar');
  const haproxy = join(dir, 'haproxy.tar');
  await Promise.all([stageWeb(join(webWork, 'rootfs')), stageHaproxy(join(haproxyWork, 'rootfs'))]);
  const version = await haproxyVersion();
  await Promise.all([
    writeArchive(webWork, join(webWork, 'rootfs'), [webImage('1', IMAGES.web1), webImage('2', IMAGES.web2)], web),
    writeArchive(haproxyWork, join(haproxyWork, 'rootfs'), [haproxyImage(version)], haproxy),
  ]);
  await Promise.all([rm(webWork, { recursive: true, force: true }), rm(haproxyWork, { recursive: true, force: true })]);
  return [web, haproxy];
}

export async function loadImages(socket: string, archives: string[]): Promise<void> {
  for (const archive of archives) await run('docker', ['-H', `unix://${socket}`, 'load', '-q', '-i', archive]);
}

export async function imagesPresent(socket: string): Promise<boolean> {
  const codes = await Promise.all(Object.values(IMAGES).map((ref) => dockerGet(socket, `/images/${ref}/json`)));
  return codes.every((c) => c === 200);
}
