import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStackFile } from '../../electron/control-plane/stacks/spec/parse-stack.ts';
import { serviceSpecHash } from '../../electron/control-plane/stacks/spec/spec-hash.ts';

function parse(text: string, env: Record<string, string> = {}) {
  return parseStackFile({ text, file: '/srv/shop/stack.yaml', env });
}

test('build: the short form is the context, with the default Dockerfile and nothing else', () => {
  const { stack, problems } = parse('services:\n  web:\n    build: ./web\n');
  assert.deepEqual(problems, []);
  const web = stack!.services[0]!;
  assert.deepEqual(web.build, { context: './web', dockerfile: 'Dockerfile', args: {}, target: null, labels: {} });
  assert.equal(web.image, '', 'apply names the image');
});

test('build: the long form reads dockerfile, args (list and map, a bare key from the environment), target, labels', () => {
  const list = parse(
    ['services:', '  web:', '    image: shop/web:1', '    build:', '      context: app', '      dockerfile: ./docker/Web.Dockerfile', '      args: ["A=1", "FROM_ENV", "UNSET"]', '      target: prod', '      labels: { team: shop }', ''].join('\n'),
    { FROM_ENV: 'yes' },
  );
  assert.deepEqual(list.problems, []);
  assert.deepEqual(list.stack!.services[0]!.build, { context: 'app', dockerfile: 'docker/Web.Dockerfile', args: { A: '1', FROM_ENV: 'yes' }, target: 'prod', labels: { team: 'shop' } });
  const map = parse('services:\n  web:\n    build:\n      args: { A: 1, B: "two" }\n');
  assert.deepEqual(map.problems, []);
  assert.deepEqual(map.stack!.services[0]!.build, { context: '.', dockerfile: 'Dockerfile', args: { A: '1', B: 'two' }, target: null, labels: {} });
});

test('build: options Baton does not carry out, URLs, escaping Dockerfiles and baton. labels are refused at their key', () => {
  const { stack, problems } = parse(
    ['services:', '  web:', '    build:', '      context: https://github.com/x/y.git', '      dockerfile: ../Dockerfile', '      no_cache: true', '      labels: { baton.stack: x }', ''].join('\n'),
  );
  assert.equal(stack, null);
  const byPath = new Map(problems.map((p) => [p.path, p]));
  assert.match(byPath.get('services.web.build.context')!.message, /is a URL: Baton builds from a folder/);
  assert.match(byPath.get('services.web.build.dockerfile')!.message, /not a path inside the build context/);
  assert.match(byPath.get('services.web.build.no_cache')!.message, /`build.no_cache` is not supported/);
  assert.equal(byPath.get('services.web.build.no_cache')!.line, 6);
  assert.match(byPath.get('services.web.build.labels.baton.stack')!.message, /Baton's own/);
});

test('a service with neither image nor build is refused; an old stack without build keeps its hash', () => {
  const none = parse('services:\n  web:\n    environment: { A: "1" }\n');
  assert.match(none.problems.find((p) => p.path === 'services.web.image')!.message, /write the image to run, or `build:`/);
  const plain = parse('services:\n  web:\n    image: nginx\n').stack!.services[0]!;
  // absent, not undefined: the hash of a spec stored before `build` existed stays
  assert.equal('build' in plain, false);
  assert.equal(serviceSpecHash(plain), serviceSpecHash({ ...plain, build: undefined }));
});
