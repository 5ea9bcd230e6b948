// The app's session, hardened: every response carries the Content-Security-Policy, and
// permissions are granted by permissions.ts alone. Written against the few calls of Electron's
// session it uses, so it is tested without Electron.
import { contentSecurityPolicy } from './content-security-policy.ts';
import { isPermissionGranted } from './permissions.ts';

type Headers = Record<string, string | string[]>;

export interface SessionLike {
  webRequest: { onHeadersReceived(listener: (details: { responseHeaders?: Headers }, callback: (response: { responseHeaders: Headers }) => void) => void): void };
  setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean): void;
}

export function hardenSession(session: SessionLike, policy: { loopbackWebSocket: boolean; devServer: boolean }): void {
  const csp = contentSecurityPolicy(policy);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  session.setPermissionRequestHandler((_contents, permission, callback) => callback(isPermissionGranted(permission)));
  session.setPermissionCheckHandler((_contents, permission) => isPermissionGranted(permission));
}
