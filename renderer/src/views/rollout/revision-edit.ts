// A rollout started from the app: the form's fields (image, replica count, environment lines)
// as an edit of one service, which the control plane makes into the stack's next file
// (service.edit) and plans or applies.
import type { ServiceEdit } from '../../../../shared/api.ts';

/** A form that cannot be read as an edit: said where it was asked. */
export class EditError extends Error {}

export function editFromForm(current: { image: string; replicas: number; environment: string[] }, form: { image: string; replicas: string; environment: string }): ServiceEdit {
  const edit: ServiceEdit = {};
  if (form.image.trim() !== current.image) edit.image = form.image.trim();
  const replicas = Number(form.replicas);
  if (form.replicas.trim() !== '' && replicas !== current.replicas) edit.replicas = replicas;
  const environment = parseEnvLines(form.environment);
  if (Object.keys(environment).length > 0) edit.environment = environment;
  return edit;
}

/**
 * "NAME=value" sets, "-NAME" removes, one a line; blank lines and # comments are skipped.
 * Values are taken as typed (no quotes taken off): what goes in the file is what was written.
 */
export function parseEnvLines(text: string): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('-')) {
      out[line.slice(1).trim()] = null;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new EditError(`"${line}": write NAME=value, or -NAME to remove it.`);
    out[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return out;
}

export function isEmptyEdit(edit: ServiceEdit): boolean {
  return edit.image === undefined && edit.replicas === undefined && edit.environment === undefined;
}
