import { BatonError, isErrorCode, type ErrorBody } from '../../../shared/errors.ts';

/** An error body from the wire or the bridge, checked: a malformed one still becomes a BatonError. */
export function errorFromWire(value: unknown): BatonError {
  if (typeof value === 'object' && value !== null) {
    const { code, message, details, hint } = value as Partial<Record<keyof ErrorBody, unknown>>;
    if (isErrorCode(code) && typeof message === 'string') {
      const detailRecord =
        typeof details === 'object' && details !== null ? (details as Record<string, unknown>) : undefined;
      return BatonError.fromBody({ code, message, ...(detailRecord === undefined ? {} : { details: detailRecord }), ...(typeof hint === 'string' ? { hint } : {}) });
    }
  }
  return new BatonError('INTERNAL', 'The control plane sent an error this app does not understand.', {
    received: value,
  });
}
