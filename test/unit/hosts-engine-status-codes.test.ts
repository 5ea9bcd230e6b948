// Docker's status codes become Engine's answers: a container that is gone is null, "already" is
// no error, a network made meanwhile is null; anything else is still an error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine } from '../../electron/control-plane/hosts/engine.ts';
import type { HostSession } from '../../electron/control-plane/hosts/host-session.ts';

const dockerError = (statusCode: number, message = `(HTTP code ${statusCode})`) => Object.assign(new Error(message), { statusCode });

/** An engine whose every call fails with `err` (a dockerode client and modem that only throw). */
function engineFailingWith(err: Error): Engine {
  const fail = () => Promise.reject(err);
  const handle = { inspect: fail, start: fail, stop: fail, remove: fail };
  const docker = {
    getContainer: () => handle,
    getImage: () => handle,
    getNetwork: () => handle,
    createNetwork: fail,
    modem: { dial: (_: unknown, callback: (e: Error) => void) => callback(err) },
  };
  return new Engine('h1', { docker, streams: docker, ssh: null } as unknown as HostSession);
}

test('a container, image or network that is gone is null, and removing one is false', async () => {
  const engine = engineFailingWith(dockerError(404));
  assert.equal(await engine.inspectContainer('c1'), null);
  assert.equal(await engine.inspectImage('web:1'), null);
  assert.equal(await engine.inspectNetwork('n1'), null);
  assert.equal(await engine.removeContainer('c1'), false);
  assert.equal(await engine.removeNetwork('n1'), false);
  await engine.stopContainer('c1', 1);
  assert.equal(await engine.logStream('c1', { tail: 'all', follow: false, since: null }, new AbortController().signal), null);
});

test('starting a running container is "already", stopping a stopped one no error', async () => {
  const engine = engineFailingWith(dockerError(304));
  assert.equal(await engine.startContainer('c1'), 'already');
  await engine.stopContainer('c1', 1);
});

test('a network of that name made meanwhile (409) is null', async () => {
  assert.equal(await engineFailingWith(dockerError(409, 'network with name baton already exists')).createNetwork('baton', {}), null);
});

test('any other answer is still an error', async () => {
  const engine = engineFailingWith(dockerError(500, 'server error'));
  await assert.rejects(engine.inspectContainer('c1'), /server error/);
  await assert.rejects(engine.startContainer('c1'), /server error/);
  await assert.rejects(engine.createNetwork('baton', {}), /server error/);
  await assert.rejects(engine.logStream('c1', { tail: 10, follow: true, since: null }, new AbortController().signal), /server error/);
});
