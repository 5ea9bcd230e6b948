// An edit of one service (its image, environment, replica count) made into the stack's next
// Compose file, on the control plane (service.edit): the file is edited as a YAML document, so its
// comments, its order and the other services stay as they were written, and then planned and
// applied like any other file; the change becomes a new revision. The file never leaves the
// control plane (it may hold values a client must not see).
import { isMap, isScalar, isSeq, parseDocument, YAMLMap } from 'yaml';
import type { ServiceEdit } from '../../../shared/api.ts';

export type { ServiceEdit };

export class EditError extends Error {}

/** The file with the edit made, or an EditError saying what stands in the way. */
export function editServiceSource(source: string, service: string, edit: ServiceEdit): string {
  const doc = parseDocument(source);
  if (doc.errors.length > 0) throw new EditError(`The stack's file does not parse: ${doc.errors[0]!.message}`);
  const node = doc.getIn(['services', service], true);
  if (!isMap(node)) throw new EditError(`The stack's file has no service ${service}.`);
  if (edit.image !== undefined) {
    const image = edit.image.trim();
    if (image === '') throw new EditError('An image is needed.');
    node.set('image', image);
  }
  if (edit.replicas !== undefined) {
    if (!Number.isInteger(edit.replicas) || edit.replicas < 0) throw new EditError('The replica count is a whole number, 0 or more.');
    // `deploy.replicas` wins over a top-level `scale`; write the one the file uses.
    if (node.has('scale') && !node.hasIn(['deploy', 'replicas'])) node.set('scale', edit.replicas);
    else doc.setIn(['services', service, 'deploy', 'replicas'], edit.replicas);
  }
  if (edit.environment !== undefined && Object.keys(edit.environment).length > 0) editEnvironment(doc, node, service, edit.environment);
  return doc.toString();
}

function editEnvironment(doc: ReturnType<typeof parseDocument>, node: YAMLMap, service: string, changes: Record<string, string | null>): void {
  const env = node.get('environment', true);
  for (const name of Object.keys(changes)) {
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) throw new EditError(`${JSON.stringify(name)} is not a variable name.`);
  }
  if (isSeq(env)) {
    // The list form: "NAME=value" (or a bare "NAME", taken from the environment at apply).
    const items = env.items;
    for (const [name, value] of Object.entries(changes)) {
      const at = items.findIndex((item) => isScalar(item) && String(item.value).split('=')[0] === name);
      if (value === null) {
        if (at >= 0) items.splice(at, 1);
      } else if (at >= 0) {
        items[at] = doc.createNode(`${name}=${value}`);
      } else {
        items.push(doc.createNode(`${name}=${value}`));
      }
    }
    return;
  }
  if (env !== undefined && env !== null && !isMap(env)) throw new EditError(`The environment of ${service} is neither a map nor a list.`);
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) doc.deleteIn(['services', service, 'environment', name]);
    else doc.setIn(['services', service, 'environment', name], value);
  }
}

/** The edit a form's fields make against the service as it runs: only what differs is sent. */
