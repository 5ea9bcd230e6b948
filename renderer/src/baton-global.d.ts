import type { BatonBridge } from '../../electron/window/bridge.ts';

declare global {
  interface Window {
    /** Exposed by electron/preload.ts; absent in a plain browser. */
    readonly baton?: BatonBridge;
  }
}
