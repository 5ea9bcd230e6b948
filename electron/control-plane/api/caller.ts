// Who sent a request, as far as the control plane can tell: the transport that carried it. A few
// requests name files or sockets on the control plane's machine. A client on this machine (the
// desktop window over IPC, the CLI over the 0600 socket, code in this process) is the person who
// runs Baton; a WebSocket client may be anywhere, and the control plane reads nothing it names.
export type Transport = 'ipc' | 'local-socket' | 'websocket' | 'in-process';

export interface Caller {
  readonly transport: Transport;
}

/** Code in the control plane's own process: tests, benchmarks. */
export const IN_PROCESS: Caller = { transport: 'in-process' };

export function isRemote(caller: Caller): boolean {
  return caller.transport === 'websocket';
}
