import { BatonError, toErrorBody } from '../../../shared/errors.ts';

/** Whatever a call threw, as the BatonError it stands for (unknown throws become INTERNAL). */
export function asBatonError(err: unknown): BatonError {
  return err instanceof BatonError ? err : BatonError.fromBody(toErrorBody(err));
}
