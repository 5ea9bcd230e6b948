// Every permission the web platform can ask for is denied, except writing text to the clipboard
// (the "copy" buttons next to CLI commands).
const GRANTED: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

export function isPermissionGranted(permission: string): boolean {
  return GRANTED.has(permission);
}
