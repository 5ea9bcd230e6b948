/** The official HAProxy image, long-term-support line: the ingress on every host unless told otherwise. */
export const DEFAULT_INGRESS_IMAGE = 'haproxy:lts';
