// The Compose editor's pure parts: the parser's problems placed in the text as inline diagnostics
// (line and column → a range), and the example stack made from an image the hosts have.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DraftProblem } from '../../renderer/src/views/stacks/compose-draft.ts';
import { clampRanges, diagnosticRanges, problemRange } from '../../renderer/src/views/stacks/editor-diagnostics.ts';
import { chooseExampleImage, exampleCompose, exampleNote, FALLBACK_IMAGE, hostList } from '../../renderer/src/views/stacks/example-stack.ts';
import { changesHostImages } from '../../renderer/src/views/stacks/use-example-choice.ts';

const FILE = `name: broken
services:
  api:
    image: "baton-test/web:1"
    deploy:
      replicas: two   # should be a number
    ports: [ "80:80", 8080 ]

`;

const marked = (text: string, r: { from: number; to: number }): string => text.slice(r.from, r.to);

test('a problem at a column covers the word or value there, never a trailing comment', () => {
  const value = problemRange(FILE, 6, 17);
  assert.equal(marked(FILE, value), 'two');
  assert.equal(value.line, 6);
  assert.equal(value.from, FILE.indexOf('two'));
  // at the key: the key and its value, not the comment after them
  assert.equal(marked(FILE, problemRange(FILE, 6, 7)), 'replicas: two');
  // a quoted scalar to its closing quote
  assert.equal(marked(FILE, problemRange(FILE, 4, 12)), '"baton-test/web:1"');
  // inside a flow sequence: one item, not the brackets or the comma
  assert.equal(marked(FILE, problemRange(FILE, 7, 23)), '8080');
  assert.equal(marked(FILE, problemRange(FILE, 7, 14)), '"80:80"');
});

test('without a column, or past the line, the line\'s content; past the text, its last line', () => {
  assert.equal(marked(FILE, problemRange(FILE, 6, 0)), 'replicas: two   # should be a number');
  assert.equal(marked(FILE, problemRange(FILE, 2, 40)), 'services:');
  const empty = problemRange(FILE, 8, 3);
  assert.equal(empty.from, empty.to, 'an empty line: a point');
  assert.equal(empty.from, FILE.indexOf('\n\n') + 1);
  const past = problemRange(FILE, 99, 1);
  assert.equal(past.line, 9);
  assert.equal(past.from, FILE.length);
  assert.equal(marked('a: 1', problemRange('a: 1', 1, 1)), 'a: 1');
  // Windows line ends: the \r is not part of the line
  const crlf = 'a: 1\r\nb: x\r\n';
  assert.equal(marked(crlf, problemRange(crlf, 2, 4)), 'x');
  assert.equal(marked(crlf, problemRange(crlf, 2, 0)), 'b: x');
});

test('only the problems of this file with a line become diagnostics, in the text\'s order', () => {
  const problems: DraftProblem[] = [
    { line: 7, column: 23, message: 'a port is "HOST:CONTAINER"', path: 'services.api.ports.1', severity: 'warning', otherFile: null },
    { line: 6, column: 17, message: 'replicas must be a number', path: 'services.api.deploy.replicas', severity: 'error', otherFile: null },
    { line: 0, column: 0, message: 'port 80 is taken', path: '', severity: 'error', otherFile: null },
    { line: 0, column: 0, message: 'bad line', path: '', severity: 'error', otherFile: 'api.env:2' },
  ];
  const ranges = diagnosticRanges(FILE, problems);
  assert.deepEqual(
    ranges.map((r) => [r.line, marked(FILE, r), r.severity, r.path]),
    [
      [6, 'two', 'error', 'services.api.deploy.replicas'],
      [7, '8080', 'warning', 'services.api.ports.1'],
    ],
  );
  // fitted into a document that has become shorter since
  assert.deepEqual(clampRanges(ranges, 10).map((r) => [r.from, r.to]), [[10, 10], [10, 10]]);
});

const image = (ref: string, hosts: string[]) => ({ ref, id: `sha256:${ref.length}${hosts.join('')}`, sizeBytes: 1, hosts });

test('the example uses the image most ready hosts have, never Baton\'s own, and says which hosts have it', () => {
  const images = [
    image('haproxy:lts', ['lab-1', 'lab-2', 'lab-3']),
    image('baton-pause:1', ['lab-1', 'lab-2', 'lab-3']),
    image('baton-test/haproxy:2.6', ['lab-1', 'lab-2', 'lab-3']),
    image('baton-test/web:1', ['lab-1', 'lab-2', 'gone']),
    image('nginx:1.27', ['lab-3']),
    image('sha256:abc', ['lab-1', 'lab-2', 'lab-3']),
  ];
  const choice = chooseExampleImage(images, ['lab-1', 'lab-2', 'lab-3']);
  assert.deepEqual(choice, { image: 'baton-test/web:1', hosts: ['lab-1', 'lab-2'], port: null });
  const file = exampleCompose(choice);
  assert.match(file, /^ {4}image: baton-test\/web:1$/m);
  assert.doesNotMatch(file, /ports:/, 'an image whose port is unknown publishes none');
  assert.match(file.split('\n')[0]!, /^# The example uses baton-test\/web:1, which lab-1 and lab-2 have: it starts without a pull\.$/);

  // as many hosts: a known web server first, and its port published
  const web = chooseExampleImage([image('zeta/app:1', ['h1']), image('nginx:alpine', ['h1'])], ['h1']);
  assert.deepEqual(web, { image: 'nginx:alpine', hosts: ['h1'], port: 80 });
  assert.match(exampleCompose(web), /- "8080:80"/);
  assert.equal(exampleNote(web), 'The example uses nginx:alpine, which h1 has: it starts without a pull.');
  // a host that is not ready does not count
  assert.equal(chooseExampleImage([image('nginx:alpine', ['down'])], ['h1']).image, FALLBACK_IMAGE);
});

test('with no image on a ready host the example falls back to one that must be pulled, and says so', () => {
  const choice = chooseExampleImage([], []);
  assert.deepEqual(choice, { image: FALLBACK_IMAGE, hosts: [], port: 80 });
  assert.match(exampleNote(choice), /No ready host has an image yet.*must pull/);
  assert.match(exampleCompose(choice), /^# No ready host/);
  assert.equal(hostList(['a', 'b', 'c']), 'a, b and c');
  assert.equal(hostList(['a', 'b', 'c', 'd', 'e']), 'a, b and 3 more');
});

test('the example\'s image is asked again once an image reached a host, not on every copy\'s progress', () => {
  assert.equal(changesHostImages('image.copied'), true);
  assert.equal(changesHostImages('image.tagged'), true);
  assert.equal(changesHostImages('image.copy.progress'), false);
  assert.equal(changesHostImages('image.copy.failed'), false);
  assert.equal(changesHostImages('replica.started'), false);
});
