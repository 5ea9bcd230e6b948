import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatonError } from '../../shared/errors.ts';
import { chooseDockerEndpoint, parseProbe } from '../../electron/control-plane/hosts/docker-probe.ts';

const report = (lines: string) => parseProbe(lines);

test('a usable socket is reached by a stream-local forward', () => {
  const r = report('host=unix:///run/lab/h1.sock\nsocket=ok\ncli=yes\nuser=root\n');
  assert.deepEqual(chooseDockerEndpoint(r, 'root@h1'), { via: 'streamlocal', socketPath: '/run/lab/h1.sock' });
});

test('a socket the user may not use is DOCKER_PERMISSION, naming the user and the fix', () => {
  const r = report('host=unix:///var/run/docker.sock\nsocket=denied\ncli=yes\nuser=deploy\n');
  assert.throws(
    () => chooseDockerEndpoint(r, 'deploy@h1'),
    (e: unknown) => e instanceof BatonError && e.code === 'DOCKER_PERMISSION' && e.message.includes('usermod -aG docker deploy'),
  );
});

test('no socket is DOCKER_NOT_FOUND, saying how to install Docker', () => {
  const r = report('host=unix:///var/run/docker.sock\nsocket=missing\ncli=no\nuser=root\n');
  assert.throws(
    () => chooseDockerEndpoint(r, 'root@h1'),
    (e: unknown) => e instanceof BatonError && e.code === 'DOCKER_NOT_FOUND' && /Install Docker/.test(e.message),
  );
});

test('a remote DOCKER_HOST is relayed by the docker CLI, or refused without one', () => {
  assert.deepEqual(chooseDockerEndpoint(report('host=tcp://10.0.0.1:2375\nsocket=remote\ncli=yes\nuser=root'), 'x'), { via: 'dial-stdio', dockerHost: 'tcp://10.0.0.1:2375' });
  assert.throws(() => chooseDockerEndpoint(report('host=tcp://10.0.0.1:2375\nsocket=remote\ncli=no\nuser=root'), 'x'), /no docker CLI/);
});

test('garbage from the probe is an error, not a guess, and is not quoted back', () => {
  assert.throws(() => parseProbe('Welcome to host!\n'), (e: unknown) => e instanceof Error && /unexpected probe output/.test(e.message) && !e.message.includes('Welcome'));
});
