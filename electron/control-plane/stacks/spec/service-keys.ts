// What Baton does with every service key the Compose schema defines. Nothing is ignored in
// silence: a key is mapped into ServiceSpec, or refused (error) or ignored (warning) with a reason.
// A test checks this table against the schema, so a newer schema can't slip a key past it.

export interface Verdict {
  severity: 'error' | 'warning';
  message: string;
}

export type KeyRule = 'supported' | Verdict | ((value: unknown) => Verdict | null);

const error = (message: string): Verdict => ({ severity: 'error', message });
const warning = (message: string): Verdict => ({ severity: 'warning', message });

/** Container options ServiceSpec has no field for yet: running without them would change the container. */
const notYet = (key: string, hint = 'remove it (or build it into the image) to deploy this stack'): Verdict =>
  error(`\`${key}\` is not supported yet: Baton does not set it on replicas, so they would run without it; ${hint}`);

const sharesWith = (key: string, value: string): Verdict | null => {
  if (/^(service|container):/.test(value)) {
    return error(`\`${key}: ${value}\` shares a namespace with another container, which may run on another host: Baton places each replica on its own`);
  }
  return null;
};

export const SERVICE_KEY_RULES: Readonly<Record<string, KeyRule>> = {
  image: 'supported',
  command: 'supported',
  entrypoint: 'supported',
  environment: 'supported',
  env_file: 'supported',
  ports: 'supported',
  expose: 'supported', // ports reachable on Baton's network only, bound on no host address
  healthcheck: 'supported',
  labels: 'supported',
  deploy: 'supported',
  secrets: 'supported',
  configs: 'supported',
  volumes: 'supported',
  tmpfs: 'supported', // tmpfs mounts
  networks: 'supported',
  stop_grace_period: 'supported',
  restart: 'supported', // the restart policy, unless deploy.restart_policy is given
  cpus: 'supported', // = deploy.resources.limits.cpus
  mem_limit: 'supported', // = deploy.resources.limits.memory
  mem_reservation: 'supported', // = deploy.resources.reservations.memory

  build: 'supported', // built by Baton from the applying client's folder (spec/build.ts)
  container_name: warning("`container_name` is ignored: a fixed name can't be given to several replicas; Baton names them <stack>_<service>.<slot>.<revision>-<id>, and they are reached by the service's name"),
  scale: error('`scale` is not supported: use `deploy.replicas`'),
  depends_on: 'supported', // ServiceSpec.dependsOn, each dependency checked (a service of the stack, no circle)
  profiles: 'supported', // a service whose profiles are none active is left out (--profile, COMPOSE_PROFILES)
  extends: 'supported', // resolved while loading (load.ts): the service arrives merged
  links: error('`links` is not supported: services reach each other by name on Baton\'s network (http://<service>:<port>); remove it'),
  external_links: error('`external_links` is not supported: Baton can\'t link to containers outside the stack; reach them by address'),
  volumes_from: warning('`volumes_from` is ignored: another container\'s volumes may be on another host, so replicas get none of them; declare a named volume and mount it in both services'),
  network_mode: (value) => {
    const mode = String(value);
    const shared = sharesWith('network_mode', mode);
    if (shared) return shared;
    if (mode === 'host') return warning("`network_mode: host` is ignored: replicas join Baton's network and are reached by the service's name; publish what must answer on the hosts with `ports:`");
    if (mode === 'bridge' || mode === 'default') return warning(`\`network_mode: ${mode}\` is ignored: replicas join Baton's own network`);
    return error(`\`network_mode: ${mode}\` is not supported: replicas join Baton's own network`);
  },
  // host, private, shareable (ipc) and host (pid) are read in container-options.ts, with the rest
  ipc: (value) => sharesWith('ipc', String(value)),
  pid: (value) => (value === null || value === undefined ? null : sharesWith('pid', String(value))),
  uts: (value) => error(`\`uts: ${String(value)}\` is not supported: replicas get their own UTS namespace`),
  devices: 'supported', // every replica gets the device of the host it lands on (host access)
  gpus: error("`gpus` is not supported: Baton can't schedule GPUs yet"),
  device_cgroup_rules: notYet('device_cgroup_rules'),
  hostname: 'supported', // every replica has it
  domainname: 'supported',
  mac_address: error("`mac_address` is not supported: a fixed MAC address can't be given to several replicas"),
  provider: error('`provider` services are not supported: Baton runs containers only'),
  models: error('`models` (Docker Model Runner) is not supported'),
  use_api_socket: error("`use_api_socket` is not supported: it would hand a replica the Docker engine of whichever host it lands on"),
  credential_spec: error('`credential_spec` is for Windows containers: Baton runs Linux containers'),
  isolation: error('`isolation` is for Windows containers: Baton runs Linux containers'),
  cpu_count: error('`cpu_count` is for Windows containers: use `deploy.resources.limits.cpus`'),
  cpu_percent: error('`cpu_percent` is for Windows containers: use `deploy.resources.limits.cpus`'),
  cpu_quota: notYet('cpu_quota', 'use `deploy.resources.limits.cpus` instead'),
  cpu_period: notYet('cpu_period', 'use `deploy.resources.limits.cpus` instead'),
  cpu_shares: notYet('cpu_shares', 'use `deploy.resources.reservations.cpus` instead'),
  cpu_rt_period: notYet('cpu_rt_period'),
  cpu_rt_runtime: notYet('cpu_rt_runtime'),
  cpuset: notYet('cpuset'),
  blkio_config: notYet('blkio_config'),
  mem_swappiness: notYet('mem_swappiness'),
  memswap_limit: notYet('memswap_limit'),
  oom_kill_disable: notYet('oom_kill_disable'),
  oom_score_adj: notYet('oom_score_adj'),
  pids_limit: notYet('pids_limit'),
  shm_size: 'supported',
  ulimits: 'supported',
  sysctls: 'supported',
  cap_add: 'supported',
  cap_drop: 'supported',
  privileged: 'supported',
  security_opt: 'supported',
  userns_mode: notYet('userns_mode'),
  cgroup: notYet('cgroup'),
  cgroup_parent: notYet('cgroup_parent'),
  runtime: notYet('runtime'),
  storage_opt: notYet('storage_opt'),
  user: 'supported',
  working_dir: 'supported',
  stop_signal: 'supported',
  init: 'supported',
  read_only: 'supported',
  extra_hosts: 'supported',
  dns: 'supported',
  dns_opt: 'supported',
  dns_search: 'supported',
  group_add: 'supported',
  logging: 'supported',
  annotations: notYet('annotations'),
  label_file: notYet('label_file', 'write the labels under `labels:`'),
  platform: 'supported', // replicas are placed only on hosts of that platform
  post_start: notYet('post_start'),
  pre_stop: notYet('pre_stop'),
  develop: warning('`develop` is ignored: it configures `docker compose watch` on a workstation'),
  attach: warning("`attach` is ignored: Baton does not attach to replicas' output"),
  tty: warning('`tty` is ignored: replicas run detached, with no terminal'),
  stdin_open: warning('`stdin_open` is ignored: replicas run detached, with no terminal'),
  pull_policy: warning('`pull_policy` is ignored: Baton decides when an image is pulled or transferred to a host'),
  pull_refresh_after: warning('`pull_refresh_after` is ignored: Baton decides when an image is pulled or transferred to a host'),
};

export function verdictFor(key: string, value: unknown): Verdict | null {
  const rule = SERVICE_KEY_RULES[key];
  if (rule === undefined) return error(`\`${key}\` is a Compose key Baton does not handle yet: remove it to deploy this stack`);
  if (rule === 'supported') return null;
  return typeof rule === 'function' ? rule(value) : rule;
}
