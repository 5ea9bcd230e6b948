// A service spec as stored: its environment values sealed, each for its stack, service and name
// (Compose files carry passwords there: `environment`, `env_file`, `${VAR}`), everything else as
// it is. The reconciler gets the plain spec in memory; the state file never holds a value in clear.
import type { ServiceSpec } from '../../../shared/stack.ts';
import { sealedFor, type SecretBox } from '../secrets/secret-box.ts';

export function sealEnvironment(spec: ServiceSpec, box: SecretBox, place: { stack: string; service: string }): ServiceSpec {
  const environment = Object.fromEntries(
    Object.entries(spec.environment).map(([name, value]) => [name, box.seal(value, sealedFor.stackEnv(place.stack, place.service, name))]),
  );
  return { ...spec, environment };
}

export function openEnvironment(stored: ServiceSpec, box: SecretBox, place: { stack: string; service: string }): ServiceSpec {
  const environment = Object.fromEntries(
    Object.entries(stored.environment).map(([name, value]) => [name, box.open(value, sealedFor.stackEnv(place.stack, place.service, name))]),
  );
  return { ...stored, environment };
}

