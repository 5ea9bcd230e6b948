// Errors that cross a boundary (IPC, socket, WebSocket) travel as data, not as Error objects:
// `{ error: { code, message, details } }`. BatonError is the in-process form of that envelope.

export const ERROR_CODES = [
  'INVALID_INPUT', // a request or a file does not have the right shape
  'NOT_FOUND', // no such host / stack / service
  'ALREADY_EXISTS', // the name is taken
  'HOST_UNREACHABLE', // TCP could not reach the SSH port (refused, timed out, no route)
  'AUTH_FAILED', // SSH refused the user / key / agent
  'KEY_PASSPHRASE', // the private key is encrypted and the passphrase is missing or wrong
  'KEY_UNREADABLE', // the private key file is missing, unreadable or not a key
  'HOST_KEY_UNKNOWN', // first contact: the host key must be confirmed
  'HOST_KEY_CHANGED', // the host key differs from the remembered one
  'HOST_KEY_REVOKED', // the host key is marked @revoked in known_hosts: never accepted
  'DOCKER_NOT_FOUND', // the host has no Docker engine where we looked
  'DOCKER_PERMISSION', // the SSH user may not use the Docker socket
  'DOCKER_ERROR', // the engine answered with an error
  'TIMEOUT',
  'UNAUTHORIZED', // a WebSocket client without the right token
  'UNAVAILABLE', // the control plane is not running / not reachable
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
  /** What to do about it, apart from the message: the UI shows it as an action, the CLI as a line of its own. */
  hint?: string;
}

export class BatonError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, hint?: string) {
    super(message);
    this.name = 'BatonError';
    this.code = code;
    this.details = details;
    this.hint = hint;
  }

  toBody(): ErrorBody {
    return {
      code: this.code,
      message: this.message,
      ...(this.details !== undefined ? { details: this.details } : {}),
      ...(this.hint !== undefined ? { hint: this.hint } : {}),
    };
  }

  static fromBody(body: ErrorBody): BatonError {
    return new BatonError(body.code, body.message, body.details, body.hint);
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** Any thrown value → an envelope body. Unknown errors become INTERNAL with their message only. */
export function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof BatonError) return err.toBody();
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message };
}

export type Envelope<T> = { result: T } | { error: ErrorBody };
