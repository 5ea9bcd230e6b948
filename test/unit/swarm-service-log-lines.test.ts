import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceLogLine, splitDetails } from '../../electron/control-plane/swarm/service-log-lines.ts';
import { DockerLogDecoder } from '../../electron/control-plane/logs/docker-log-decoder.ts';

const names = { tasks: new Map([['t1', 'shop_web.1']]), nodes: new Map([['n1', 'host-a']]), service: 'shop_web' };

test('the attributes before a line are taken off; values are query-unescaped; a line without them stays as it is', () => {
  assert.deepEqual(splitDetails('com.docker.swarm.node.id=n1,com.docker.swarm.service.id=s1,com.docker.swarm.task.id=t1,note=a+b%2Cc GET /health 200'), {
    attrs: { 'com.docker.swarm.node.id': 'n1', 'com.docker.swarm.service.id': 's1', 'com.docker.swarm.task.id': 't1', note: 'a b,c' },
    text: 'GET /health 200',
  });
  assert.deepEqual(splitDetails('plain line here'), { attrs: {}, text: 'plain line here' });
  assert.deepEqual(splitDetails('com.docker.swarm.task.id=t1'), { attrs: { 'com.docker.swarm.task.id': 't1' }, text: '' });
});

test('a multiplexed service log becomes lines named by task and node; a task not known yet by its short ID', () => {
  const frame = (stream: 1 | 2, text: string) => {
    const body = Buffer.from(text);
    const head = Buffer.alloc(8);
    head[0] = stream;
    head.writeUInt32BE(body.length, 4);
    return Buffer.concat([head, body]);
  };
  const bytes = Buffer.concat([
    frame(1, '2026-01-01T00:00:00.000000001Z com.docker.swarm.node.id=n1,com.docker.swarm.service.id=s1,com.docker.swarm.task.id=t1 hello\n'),
    frame(2, '2026-01-01T00:00:01.000000001Z com.docker.swarm.node.id=n2,com.docker.swarm.service.id=s1,com.docker.swarm.task.id=abcdefabcdef123456 oops\n'),
  ]);
  const decoder = new DockerLogDecoder({ tty: false, timestamps: true });
  // cut across a header and a line, as the network does
  const lines = [...decoder.push(bytes.subarray(0, 5)), ...decoder.push(bytes.subarray(5, 60)), ...decoder.push(bytes.subarray(60)), ...decoder.end()].map((l) => serviceLogLine(l, names));
  assert.deepEqual(lines, [
    { replica: 'shop_web.1', host: 'host-a', stream: 'stdout', time: '2026-01-01T00:00:00.000000001Z', text: 'hello' },
    { replica: 'shop_web.abcdefabcdef', host: 'n2', stream: 'stderr', time: '2026-01-01T00:00:01.000000001Z', text: 'oops' },
  ]);
});
