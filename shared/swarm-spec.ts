// Docker Swarm's ServiceSpec as the Engine API takes it (POST /services/create, /services/{id}/update),
// in the part Baton writes. Durations are nanoseconds; CPUs are nano-CPUs.

export interface SwarmMount {
  Type: 'volume' | 'bind' | 'tmpfs';
  Source?: string;
  Target: string;
  ReadOnly?: boolean;
  VolumeOptions?: { Labels?: Record<string, string>; DriverConfig?: { Name: string; Options?: Record<string, string> } };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
}

export interface SwarmUpdateConfig {
  Parallelism: number;
  Delay: number;
  FailureAction: 'pause' | 'continue' | 'rollback';
  Monitor: number;
  MaxFailureRatio: number;
  Order: 'start-first' | 'stop-first';
}

export interface SwarmServiceSpec {
  Name: string;
  Labels: Record<string, string>;
  TaskTemplate: {
    ContainerSpec: {
      Image: string;
      Labels: Record<string, string>;
      Command?: string[];
      Args?: string[];
      Env?: string[];
      Healthcheck?: { Test: string[]; Interval?: number; Timeout?: number; Retries?: number; StartPeriod?: number };
      Mounts?: SwarmMount[];
      StopGracePeriod?: number;
      StopSignal?: string;
      User?: string;
      Dir?: string;
      Hostname?: string;
      Init?: boolean;
      ReadOnly?: boolean;
      CapabilityAdd?: string[];
      CapabilityDrop?: string[];
      Sysctls?: Record<string, string>;
      Ulimits?: { Name: string; Soft: number; Hard: number }[];
      Groups?: string[];
      Hosts?: string[];
      DNSConfig?: { Nameservers?: string[]; Search?: string[]; Options?: string[] };
    };
    Resources?: { Limits?: { NanoCPUs?: number; MemoryBytes?: number }; Reservations?: { NanoCPUs?: number; MemoryBytes?: number } };
    RestartPolicy: { Condition: 'none' | 'on-failure' | 'any'; Delay: number; MaxAttempts: number; Window: number };
    Placement?: { Constraints?: string[]; Preferences?: { Spread: { SpreadDescriptor: string } }[]; MaxReplicas?: number; Platforms?: { OS: string; Architecture: string }[] };
    LogDriver?: { Name: string; Options: Record<string, string> };
    /** Bumped to make Swarm restart a service's tasks with an unchanged spec. */
    ForceUpdate?: number;
  };
  Mode: { Replicated: { Replicas: number } };
  UpdateConfig: SwarmUpdateConfig;
  RollbackConfig: SwarmUpdateConfig;
  EndpointSpec: { Mode: 'vip' | 'dnsrr'; Ports: { Protocol: 'tcp' | 'udp'; TargetPort: number; PublishedPort?: number; PublishMode: 'host' | 'ingress' }[] };
}

/** What the translation of a stack to Swarm says about it: refused (error), changed in meaning (warning), or kept by Baton itself (onTop). */
export interface SwarmNote {
  service: string;
  /** Dotted path in the stack file: "services.web.deploy.resources". */
  path: string;
  severity: 'error' | 'warning' | 'onTop';
  message: string;
}
