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
 * The policy written in renderer/index.html. Where it and the header policy both apply
 * (Electron), a request must pass both, so the meta policy is the widest one the app ever needs
 * and the header narrows it; in a plain browser the meta policy is all there is.
 */
export const RENDERER_META_CSP = contentSecurityPolicy({ loopbackWebSocket: true });
