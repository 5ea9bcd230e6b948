// The token a person signed in with, on a page served by `baton serve --ui`: kept in the tab's
// session storage (gone when the tab closes; never in localStorage, never in the address bar),
// one per control plane address.
import type { TokenStore } from './ws-client.ts';

/** The part of the Web Storage API used here (sessionStorage in the page, a Map in tests). */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function sessionTokenStore(storage: StorageLike, url: string): TokenStore {
  const key = `baton.token:${url}`;
  return {
    load: () => storage.getItem(key),
    save: (token) => storage.setItem(key, token),
    forget: () => storage.removeItem(key),
  };
}
