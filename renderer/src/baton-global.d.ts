import type { BatonBridge } from '../../shared/bridge.ts';

declare global {
  interface Window {
    /** Exposed by electron/preload.ts; absent in a plain browser. */
    readonly baton?: BatonBridge;
  }
}
