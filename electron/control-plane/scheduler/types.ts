// What the scheduler decides over: hosts as candidates, a request for N new replicas of a
// service, and the answer with a verdict per host a person can act on.
import type { ServiceSpec } from '../../../shared/stack.ts';

export interface HostCandidate {
  name: string; // Baton's host name
  ready: boolean; // connected, listed, and not cooling down after a failed start
  /** Drained by a person (`baton host drain`): keeps what runs until it is moved, takes nothing new. */
  drained?: boolean;
  hostname: string; // what the engine reports (node.hostname)
  labels: Record<string, string>; // Baton's host labels (node.labels.*)
  engineLabels: Record<string, string>; // engine labels (engine.labels.*)
  nanoCpus: number; // capacity (1 CPU = 1e9)
  memoryBytes: number;
  reservedNanoCpus: number; // already reserved by replicas placed there
  reservedMemoryBytes: number;
  usedHostPorts: string[]; // host-mode published ports in use, "tcp/8080"
  replicasByService: Record<string, number>; // "stack/service" → replicas there now
  /** Engine names of the volumes on the host: a host-local one holds its data, and pins its users here. */
  volumes?: readonly string[];
  /** What the engine's /info says the host is (OSType "linux", Architecture "x86_64"); absent before it answered. */
  platform?: { osType: string; architecture: string };
}

export interface PlacementRequest {
  service: ServiceSpec;
  count: number; // how many new replicas to place
  strategy: 'spread' | 'binpack';
  /** E.g. the host a crashed replica just died on: a penalty, not a filter. */
  avoidHosts?: string[];
  /** Drag-to-scale onto a host: placed there while it is feasible (a preference). */
  preferHost?: string;
}

export interface HostVerdict {
  host: string;
  feasible: boolean;
  reason: string | null;
  /** Feasible hosts only: higher ranks first; equal scores were a tie, broken by host name. */
  score: number | null;
}

export interface PlacementResult {
  hosts: string[]; // one host name per placed replica, in placement order
  unplaced: number; // replicas that fit nowhere
  verdicts: HostVerdict[]; // for the LAST replica tried, in host name order
  summary: string | null; // when unplaced > 0: one sentence naming each host's reason
}

/** The cluster as one placement round sees it: earlier replicas of the round already counted in. */
export interface PlacementState {
  hosts: readonly HostCandidate[];
}

/** A feasibility filter: why this host can't take the next replica, or null if it can. */
export type FeasibilityCheck = (request: PlacementRequest, host: HostCandidate, state: PlacementState) => string | null;

/** A ranking component: numbers compared left to right, higher ranks first. */
export type RankScore = (request: PlacementRequest, host: HostCandidate, state: PlacementState) => number[];
