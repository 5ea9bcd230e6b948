import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import { parse } from 'yaml';

const root = new URL('../../', import.meta.url);

async function load(): Promise<Record<string, unknown>> {
  const parsed: unknown = parse(await readFile(new URL('electron-builder.yml', root), 'utf8'));
  assert.ok(typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed), 'the file is a YAML mapping');
  return parsed as Record<string, unknown>;
}

function targets(platform: unknown): string[] {
  const target = (platform as { target?: unknown } | undefined)?.target;
  const list = Array.isArray(target) ? target : [target];
  return list.map((entry) => (typeof entry === 'string' ? entry : String((entry as { target?: unknown }).target)));
}

test('electron-builder.yml is valid against the schema electron-builder ships', async () => {
  const schema: unknown = JSON.parse(
    await readFile(new URL('node_modules/app-builder-lib/scheme.json', root), 'utf8'),
  );
  const ajv = new Ajv({ strict: false, allErrors: true });
  const validate = ajv.compile(schema as object);
  const valid = validate(await load());
  assert.equal(valid, true, ajv.errorsText(validate.errors, { separator: '\n' }));
});

test('electron-builder.yml: identity, files, native modules and targets', async () => {
  const config = await load();
  assert.equal(config['appId'], 'dev.baton.app');
  assert.equal(config['productName'], 'Baton');
  const files = config['files'] as string[];
  for (const pattern of ['dist/**/*', 'package.json', 'node_modules/**/*']) assert.ok(files.includes(pattern), pattern);
  assert.ok((config['asarUnpack'] as string[]).includes('**/*.node'), 'native modules are unpacked from the asar');

  assert.deepEqual(targets(config['linux']).sort(), ['AppImage', 'deb']);
  assert.deepEqual(targets(config['mac']), ['dmg']);
  assert.deepEqual(targets(config['win']), ['nsis']);
  const linux = config['linux'] as Record<string, unknown>;
  assert.match(String(linux['maintainer']), /<[^>]+@[^>]+>/, 'deb needs a maintainer with an email');
  assert.ok(typeof linux['category'] === 'string');
});

test('electron-builder.yml: the packaged app\'s Electron fuses are set', async () => {
  const config = await load();
  const fuses = config['electronFuses'] as Record<string, unknown> | undefined;
  assert.ok(fuses, 'electronFuses is set');
  const expected: Record<string, boolean> = {
    runAsNode: false, // ELECTRON_RUN_AS_NODE would turn the app into a Node interpreter
    enableNodeOptionsEnvironmentVariable: false, // NODE_OPTIONS=--require … would inject code
    enableNodeCliInspectArguments: false, // --inspect would open a debugger on the main process
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    enableCookieEncryption: true,
  };
  for (const [fuse, value] of Object.entries(expected)) assert.equal(fuses[fuse], value, `electronFuses.${fuse}`);
  assert.equal(config['asar'], true, 'onlyLoadAppFromAsar needs the app in an asar');
  // the names are those electron-builder maps onto @electron/fuses (its schema has no other keys)
  const schema = JSON.parse(await readFile(new URL('node_modules/app-builder-lib/scheme.json', root), 'utf8')) as {
    definitions: { FuseOptionsV1: { properties: Record<string, unknown> } };
  };
  for (const fuse of Object.keys(expected)) assert.ok(fuse in schema.definitions.FuseOptionsV1.properties, fuse);
});

test('the icons it names exist: a 512×512 PNG and the SVG it is drawn from', async () => {
  const png = await readFile(new URL('build/icon.png', root));
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(png.toString('ascii', 12, 16), 'IHDR');
  assert.equal(png.readUInt32BE(16), 512);
  assert.equal(png.readUInt32BE(20), 512);
  const svg = await readFile(new URL('build/icon.svg', root), 'utf8');
  assert.match(svg, /^<svg [^>]*viewBox="0 0 512 512"/);
});
