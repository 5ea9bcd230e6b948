// The containers Baton runs on every host for traffic, as Docker create requests, pure:
// - `baton-ingress`: HAProxy on the host network, the host's front door and its services' pools;
// - `baton-ep-<stack>_<service>`: a service's endpoint, a small proxy on Baton's network under the
//   service's name (`<service>.<stack>` on `baton`, `<service>` on the stack's own network), that
//   forwards to the host ingress's socket for that service. A container on the host network can
//   hold no network alias, so the name has to live on a container of its own; and an endpoint per
//   service means a service added later gets its name without touching any running container.
import { createHash } from 'node:crypto';
import type { ContainerCreateOptions } from 'dockerode';
import { BATON_NETWORK } from '../reconcile/container-config.ts';
export { stackNetwork } from '../reconcile/networks.ts';
import { INGRESS_PATHS } from './ingress-model.ts';

export const INGRESS_CONTAINER = 'baton-ingress';
export const SYSTEM_LABEL = 'baton.system';
export const ENDPOINT_OF_LABEL = 'baton.endpoint.of';
export const CONFIG_HASH_LABEL = 'baton.config-hash';
export const ENDPOINT_CONFIG = '/etc/baton-ep/haproxy.cfg';

export function endpointContainerName(stack: string, service: string): string {
  return `baton-ep-${stack}_${service}`;
}

/**
 * The folder on the host that holds the ingress's sockets (admin, one per route). Named for the
 * cluster and the host as Baton knows it: hosts that share a filesystem (containers, the lab's
 * namespaces) must not share sockets.
 */
export function hostSocketDir(clusterId: string, host: string): string {
  return `/run/baton/ingress-${clusterId.replace(/[^a-zA-Z0-9]/g, '').slice(0, 12)}-${host}`;
}

/** The folder on the host of the route sockets (the endpoints reach the ingress there). */
export function hostRouteSocketDir(clusterId: string, host: string): string {
  return `${hostSocketDir(clusterId, host)}-ep`;
}

export function configVolume(clusterId: string): string {
  return `baton-ingress-${clusterId.replace(/[^a-zA-Z0-9]/g, '').slice(0, 12)}`;
}

export function configHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export function ingressContainerConfig(opts: { image: string; clusterId: string; host: string }): ContainerCreateOptions {
  return {
    name: INGRESS_CONTAINER,
    Image: opts.image,
    // master-worker: SIGUSR2 reloads the config without dropping a connection
    Entrypoint: ['haproxy'],
    Cmd: ['-W', '-db', '-f', INGRESS_PATHS.config],
    // published ports below 1024 and the admin socket's owner need root in the container
    User: '0',
    Labels: { 'baton.cluster': opts.clusterId, [SYSTEM_LABEL]: 'ingress' },
    HostConfig: {
      NetworkMode: 'host',
      // kept by the engine too: up again after a crash or a host restart, with or without Baton
      RestartPolicy: { Name: 'always' },
      // the admin socket, and the route sockets in a folder of their own (the endpoints see only
      // that one); Docker makes both folders on the host when it starts the container, so after a
      // host restart, with /run empty again, the ingress comes up on its own
      Binds: [
        `${hostSocketDir(opts.clusterId, opts.host)}:${INGRESS_PATHS.socketDir}`,
        `${hostRouteSocketDir(opts.clusterId, opts.host)}:${INGRESS_PATHS.socketDir}/ep`,
        `${configVolume(opts.clusterId)}:${INGRESS_PATHS.config.slice(0, INGRESS_PATHS.config.lastIndexOf('/'))}`,
      ],
    },
  };
}

export function endpointContainerConfig(opts: { image: string; clusterId: string; host: string; stack: string; service: string; configText: string }): ContainerCreateOptions {
  return {
    name: endpointContainerName(opts.stack, opts.service),
    Image: opts.image,
    Entrypoint: ['haproxy'],
    Cmd: ['-db', '-f', ENDPOINT_CONFIG],
    User: '0',
    Labels: {
      'baton.cluster': opts.clusterId,
      [SYSTEM_LABEL]: 'endpoint',
      [ENDPOINT_OF_LABEL]: `${opts.stack}/${opts.service}`,
      [CONFIG_HASH_LABEL]: configHash(opts.configText),
    },
    HostConfig: {
      NetworkMode: BATON_NETWORK,
      RestartPolicy: { Name: 'always' },
      Binds: [`${hostRouteSocketDir(opts.clusterId, opts.host)}:${INGRESS_PATHS.socketDir}/ep`],
    },
    NetworkingConfig: { EndpointsConfig: { [BATON_NETWORK]: { Aliases: [`${opts.service}.${opts.stack}`] } } },
  };
}
