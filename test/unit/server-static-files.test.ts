// Request targets the UI server takes: a path, decoded once, or a reason it is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { requestPath } from '../../electron/server/static-files.ts';

test('request paths: decoded once; malformed encodings, NUL, .. and non-paths refused with a reason', () => {
  assert.deepEqual(requestPath('/'), { ok: true, path: '/' });
  assert.deepEqual(requestPath('/assets/app%20x.js?v=1#top'), { ok: true, path: '/assets/app x.js' });
  assert.deepEqual(requestPath('/a%252e%252e/b'), { ok: true, path: '/a%2e%2e/b' }, 'decoded once only');
  for (const [target, why] of [
    ['/%', /percent-encoding/],
    ['/%E0%A4%A', /percent-encoding/],
    ['/%C0%AF', /percent-encoding/],
    ['/%00', /NUL/],
    ['/../etc/passwd', /\.\./],
    ['/%2e%2e/%2e%2e/etc/passwd', /\.\./],
    ['/assets/..%2f..%2fx', /\.\./],
    ['/a/..%5cb', /\.\./],
    ['http://127.0.0.1:7420/index.html', /must be a path/],
    ['//evil.example/x', /must be a path/],
    ['*', /must be a path/],
    [undefined, /must be a path/],
  ] as const) {
    const r = requestPath(target);
    assert.equal(r.ok, false, String(target));
    if (!r.ok) assert.match(r.why, why);
  }
});
