export interface CspOptions {
  /**
   * Attached to a remote `baton serve` (reached through a loopback port, e.g. an SSH tunnel):
   * the renderer may open WebSockets to 127.0.0.1.
   */
  loopbackWebSocket: boolean;
  /** The Vite dev server: its HMR client needs inline scripts/styles and its own socket. Never in a build. */
  devServer?: boolean;
}

export function contentSecurityPolicy(options: CspOptions): string {
  const connect = ["'self'"];
  if (options.loopbackWebSocket) connect.push('ws://127.0.0.1:*');
  const script = ["'self'"];
  const style = ["'self'"];
  if (options.devServer === true) {
    script.push("'unsafe-inline'");
    style.push("'unsafe-inline'");
    connect.push('ws://localhost:*', 'ws://127.0.0.1:*');
  }
  const directives: Array<[string, string[]]> = [
    ['default-src', ["'none'"]],
    ['script-src', script],
    ['style-src', style],
    ['img-src', ["'self'", 'data:']],
    ['font-src', ["'self'"]],
    ['connect-src', [...new Set(connect)]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
  ];
  return directives.map(([name, values]) => `${name} ${values.join(' ')}`).join('; ');
}

/**
 * The policy of the built page, written into dist/renderer/index.html as a meta tag at build
 * (see withCspMeta and vite.config.ts): the window loads that page from file://, and a file://
 * load gets no response headers, so session.webRequest's header policy never reaches it; the
 * meta tag is the policy there (and in a browser on `baton serve --ui`). It is the widest policy
 * the app ever needs (a remote serve's WebSocket on 127.0.0.1); where the header policy applies as
 * well (the Vite dev server), a request must pass both.
 */
export const RENDERER_META_CSP = contentSecurityPolicy({ loopbackWebSocket: true });

/** Directives a browser ignores (and warns about) in a meta policy: they work only as headers. */
const HEADER_ONLY = new Set(['frame-ancestors', 'report-uri', 'report-to', 'sandbox']);

/** `policy` as a meta tag may carry it: without the header-only directives. */
export function metaPolicy(policy: string): string {
  return policy
    .split(';')
    .map((d) => d.trim())
    .filter((d) => d !== '' && !HEADER_ONLY.has(d.split(/\s+/)[0]!.toLowerCase()))
    .join('; ');
}

const CSP_META = /<meta\s+http-equiv=["']?content-security-policy/i;

/**
 * The page with `policy` as its first meta tag after <meta charset> (a policy covers only what
 * comes after it, so before every script, style and link). A page that already has a CSP meta
 * tag is refused: the policy is written from this file only.
 */
export function withCspMeta(html: string, policy: string): string {
  if (CSP_META.test(html)) throw new Error('index.html has a Content-Security-Policy meta tag of its own: remove it; the build writes the one from electron/window/content-security-policy.ts.');
  const content = metaPolicy(policy).replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  const tag = `<meta http-equiv="Content-Security-Policy" content="${content}" />`;
  const charset = /<meta\s+charset=[^>]*>/i.exec(html);
  const head = /<head[^>]*>/i.exec(html);
  const anchor = charset ?? head;
  if (!anchor) throw new Error('index.html has no <head>: the Content-Security-Policy meta tag has nowhere to go.');
  const at = anchor.index + anchor[0].length;
  const scriptAt = html.search(/<script|<link|<style/i);
  if (scriptAt !== -1 && scriptAt < at) throw new Error('index.html loads a script, style or link before <meta charset>: the policy would not cover it.');
  return `${html.slice(0, at)}\n    ${tag}${html.slice(at)}`;
}
