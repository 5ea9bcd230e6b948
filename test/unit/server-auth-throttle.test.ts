// When a token's verdict may be given: no wait without failures, growing waits per address and for
// all addresses together, and a right token still let in after its wait.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADDRESS_FORGET_MS, AuthThrottle, addressSpacing, GLOBAL_FORGET_MS, globalSpacing, throttleKey } from '../../electron/server/auth-throttle.ts';

function clock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

/** One guess after another from `address`, each as soon as allowed: the total time they take. */
function guess(throttle: AuthThrottle, c: ReturnType<typeof clock>, address: string, times: number): number {
  let spent = 0;
  for (let i = 0; i < times; i++) {
    const wait = throttle.reserve(address);
    c.advance(wait);
    spent += wait;
    throttle.failed(address);
  }
  return spent;
}

test('no failures, no wait: many sign-ins at once are all answered at once', () => {
  const c = clock();
  const t = new AuthThrottle(c.now);
  for (let i = 0; i < 50; i++) assert.equal(t.reserve(`10.0.0.${i}`), 0);
  assert.equal(t.reserve('10.0.0.1'), 0);
  assert.equal(t.size, 0, 'nothing is remembered of addresses that never failed');
});

test('one address guessing: each wait doubles up to 10 s, so a day allows under 9000 guesses', () => {
  const c = clock();
  const t = new AuthThrottle(c.now);
  assert.equal(guess(t, c, '10.0.0.1', 1), 0);
  assert.equal(t.reserve('10.0.0.1'), 100);
  t.failed('10.0.0.1');
  assert.equal(t.reserve('10.0.0.1'), 200);
  assert.equal(addressSpacing(30), 10_000);
  const spentOn100 = guess(t, c, '10.0.0.1', 100);
  assert.ok(spentOn100 > 90 * 10_000, `100 more guesses took ${spentOn100} ms`);
});

test('guesses started together from one address still take their turns one after another', () => {
  const c = clock();
  const t = new AuthThrottle(c.now);
  guess(t, c, '10.0.0.1', 5); // 5 failures: spacing 1.6 s
  const waits = Array.from({ length: 4 }, () => t.reserve('10.0.0.1'));
  assert.deepEqual(waits, [1600, 3200, 4800, 6400]);
});

test('many addresses together: every failure anywhere spaces all turns, up to 1 s', () => {
  const c = clock();
  const t = new AuthThrottle(c.now);
  let spent = 0;
  for (let i = 0; i < 300; i++) spent += guess(t, c, `10.0.${i >> 8}.${i & 255}`, 1);
  assert.ok(spent > 250 * 1000 * 0.5, `300 guesses from 300 addresses took ${spent} ms`);
  assert.equal(globalSpacing(1000), 1000);
  assert.equal(t.reserve('192.168.1.1'), 1000, 'a newcomer waits too, but at most a second');
});

test('a right token after wrong ones gets in after its wait, and its address starts afresh', () => {
  const c = clock();
  const t = new AuthThrottle(c.now);
  guess(t, c, '10.0.0.1', 3);
  const wait = t.reserve('10.0.0.1');
  assert.equal(wait, 400);
  c.advance(wait);
  t.succeeded('10.0.0.1');
  c.advance(1000); // past the (small) shared spacing
  assert.equal(t.reserve('10.0.0.1'), 0);
});

test('failures are forgotten after a quiet while', () => {
  const c = clock();
  const t = new AuthThrottle(c.now);
  guess(t, c, '10.0.0.1', 8);
  c.advance(GLOBAL_FORGET_MS + 1);
  assert.ok(t.reserve('10.0.0.2') === 0, 'the shared count is forgotten after a minute');
  c.advance(ADDRESS_FORGET_MS + 1);
  assert.equal(t.reserve('10.0.0.1'), 0);
});

test('IPv6 clients are counted by their /64; IPv4-mapped as IPv4', () => {
  assert.equal(throttleKey('2001:db8:1:2:aaaa::1'), throttleKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'));
  assert.notEqual(throttleKey('2001:db8:1:2::1'), throttleKey('2001:db8:1:3::1'));
  assert.equal(throttleKey('2001:db8::1'), '2001:db8:0:0::/64');
  assert.equal(throttleKey('::1'), '0:0:0:0::/64');
  assert.equal(throttleKey('::ffff:10.1.2.3'), '10.1.2.3');
  assert.equal(throttleKey('10.1.2.3'), '10.1.2.3');
});
