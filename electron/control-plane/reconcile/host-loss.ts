/**
 * How long a host may be silent (counted from its last answer) before its replicas are started
 * elsewhere. A loss is noticed about 4 s into the silence (SSH keepalive, the engine's ping), so
 * replicas move about 5 s after it began; a link back sooner keeps its replicas where they are.
 */
export const DEFAULT_HOST_LOSS_GRACE_MS = 5000;
