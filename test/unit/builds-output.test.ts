import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BuildOutput, FAILED_OUTPUT_LINES } from '../../electron/control-plane/builds/build-output.ts';

const msg = (m: unknown): string => `${JSON.stringify(m)}\n`;

test('build output: lines in order, even split across chunks and messages; the id from aux', () => {
  const out = new BuildOutput();
  const answer = msg({ stream: 'Step 1/2 : FROM base\n' }) + msg({ stream: ' ---> 1234\n' }) + msg({ stream: 'Step 2/2 : RUN echo hi\n' }) + msg({ stream: 'h' }) + msg({ stream: 'i\nthere\n' }) + msg({ aux: { ID: 'sha256:abc' } }) + msg({ stream: 'Successfully built abc123456789\n' });
  const lines: string[] = [];
  // fed a few bytes at a time, as a link delivers it
  for (let i = 0; i < answer.length; i += 7) lines.push(...out.push(answer.slice(i, i + 7)));
  const end = out.end();
  lines.push(...end.lines);
  assert.deepEqual(lines, ['Step 1/2 : FROM base', ' ---> 1234', 'Step 2/2 : RUN echo hi', 'hi', 'there', 'Successfully built abc123456789']);
  assert.equal(end.failure, null);
  assert.equal(end.id, 'sha256:abc');
});

test('build output: a failure names the step under way and keeps the end of its output', () => {
  const out = new BuildOutput();
  let text = msg({ stream: 'Step 1/3 : FROM base\n' }) + msg({ stream: 'Step 2/3 : RUN make\n' }) + msg({ stream: ' ---> Running in 99\n' });
  for (let i = 0; i < 30; i++) text += msg({ stream: `line ${i}\n` });
  text += msg({ stream: 'make: *** no rule' }); // no newline before the error
  text += msg({ stream: '\nRemoving intermediate container 99\n' });
  text += msg({ errorDetail: { code: 2, message: "The command '/bin/sh -c make' returned a non-zero code: 2" }, error: 'x' });
  out.push(text);
  const { failure } = out.end();
  assert.ok(failure);
  assert.equal(failure.step, 'Step 2/3 : RUN make');
  assert.match(failure.message, /returned a non-zero code: 2/);
  assert.equal(failure.output.length, FAILED_OUTPUT_LINES);
  assert.equal(failure.output.at(-1), 'make: *** no rule');
  assert.ok(!failure.output.some((l) => l.startsWith(' --->') || l.startsWith('Removing intermediate')));
});

test('build output: a failure before any step (a Dockerfile the engine cannot read) has no step', () => {
  const out = new BuildOutput();
  out.push(msg({ errorDetail: { message: 'dockerfile parse error line 2: unknown instruction: BOGUS' }, error: 'x' }));
  const { failure } = out.end();
  assert.deepEqual(failure, { step: null, message: 'dockerfile parse error line 2: unknown instruction: BOGUS', output: [] });
});
