// When a token's verdict may be given, so that guessing tokens is hopeless. Every attempt takes a
// turn: after failures from an address, that address's turns are spaced further apart (doubling,
// up to 10 s); after failures from anywhere, all turns are (growing, up to 1 s), so many addresses
// together are no faster than one. A right token is never refused, it only waits for its turn,
// and it clears its address's failures. Without failures there is no wait at all.
export const ADDRESS_SPACING_MS = { first: 100, max: 10_000 };
export const GLOBAL_SPACING_MS = { step: 10, max: 1_000 };
/** An address's failures are forgotten after this long without another. */
export const ADDRESS_FORGET_MS = 15 * 60_000;
/** The failures of all addresses together are forgotten after this long without another. */
export const GLOBAL_FORGET_MS = 60_000;
/** At most this many addresses are remembered; the least recently seen is dropped first. */
const MAX_ADDRESSES = 10_000;

interface Turns {
  failures: number;
  lastFailureAt: number;
  /** No turn before this. */
  nextAt: number;
}

export function addressSpacing(failures: number): number {
  return failures <= 0 ? 0 : Math.min(ADDRESS_SPACING_MS.max, ADDRESS_SPACING_MS.first * 2 ** (failures - 1));
}

export function globalSpacing(failures: number): number {
  return failures <= 0 ? 0 : Math.min(GLOBAL_SPACING_MS.max, GLOBAL_SPACING_MS.step * failures);
}

export class AuthThrottle {
  private readonly addresses = new Map<string, Turns>();
  private readonly all: Turns = { failures: 0, lastFailureAt: 0, nextAt: 0 };

  constructor(private readonly now: () => number = Date.now) {}

  /** Takes the next turn for an attempt from `address`: how many ms from now its verdict waits. */
  reserve(address: string): number {
    const now = this.now();
    if (this.all.failures > 0 && now - this.all.lastFailureAt > GLOBAL_FORGET_MS) this.all.failures = 0;
    // an address that never failed has no turns to keep: nothing is remembered of it
    const turns = this.addresses.has(address) ? this.turnsOf(address, now) : undefined;
    const at = Math.max(now, turns?.nextAt ?? 0, this.all.nextAt);
    if (turns !== undefined) turns.nextAt = at + addressSpacing(turns.failures);
    this.all.nextAt = at + globalSpacing(this.all.failures);
    return at - now;
  }

  /** The attempt's token was wrong. */
  failed(address: string): void {
    const now = this.now();
    const turns = this.turnsOf(address, now);
    turns.failures++;
    turns.lastFailureAt = now;
    // the turn already taken was spaced for the failures before this one: space the next as it should be
    turns.nextAt = Math.max(turns.nextAt, now + addressSpacing(turns.failures));
    this.all.failures++;
    this.all.lastFailureAt = now;
    this.all.nextAt = Math.max(this.all.nextAt, now + globalSpacing(this.all.failures));
  }

  /** The attempt's token was right: its address starts afresh. */
  succeeded(address: string): void {
    this.addresses.delete(address);
  }

  /** How many addresses are remembered (for tests of the bound). */
  get size(): number {
    return this.addresses.size;
  }

  private turnsOf(address: string, now: number): Turns {
    let turns = this.addresses.get(address);
    if (turns !== undefined) {
      this.addresses.delete(address); // set again below: the map stays in order of last use
      if (now - turns.lastFailureAt > ADDRESS_FORGET_MS && turns.nextAt <= now) turns = undefined;
    }
    turns ??= { failures: 0, lastFailureAt: now, nextAt: 0 };
    this.addresses.set(address, turns);
    while (this.addresses.size > MAX_ADDRESSES) {
      const oldest = this.addresses.keys().next().value;
      if (oldest === undefined) break;
      this.addresses.delete(oldest);
    }
    return turns;
  }
}

/**
 * The address a client's failures are counted under: an IPv4 address as it is (also when written
 * IPv4-mapped), an IPv6 address by its /64, since one machine commonly holds a whole /64 and could
 * otherwise start afresh with every guess.
 */
export function throttleKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  const bare = address.replace(/%.*$/, '').toLowerCase();
  const [head = '', tail] = bare.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
