// The official Compose Specification JSON schema (compose-spec.json, see README.md for where it
// came from), compiled once with ajv.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import composeSpec from './compose-spec.json' with { type: 'json' };

// The schema declares draft-07 by an https URL ajv does not know as its draft-07 meta-schema id
// (http://json-schema.org/draft-07/schema#): check the draft here, then compile without `$schema`.
const DECLARED_DRAFT = composeSpec.$schema;
if (!/\/draft-07\/schema#?$/.test(DECLARED_DRAFT)) {
  throw new Error(`compose-spec.json declares ${DECLARED_DRAFT}; the loader compiles draft-07 with the default Ajv class: switch to Ajv2019/Ajv2020.`);
}

let validate: ValidateFunction | null = null;

function validator(): ValidateFunction {
  if (!validate) {
    const { $schema: _draft, ...schema } = composeSpec;
    // verbose: errors carry their parent schema, which names the keys a map allows (for suggestions).
    const ajv = new Ajv({ strict: false, allErrors: true, verbose: true });
    validate = ajv.compile(schema);
  }
  return validate;
}

export function composeSchemaErrors(data: unknown): ErrorObject[] {
  const v = validator();
  return v(data) ? [] : [...(v.errors ?? [])];
}

/** Every key the Compose schema defines for a service, and at the top level. */
export const SCHEMA_SERVICE_KEYS: readonly string[] = Object.keys(composeSpec.definitions.service.properties);
export const SCHEMA_TOP_LEVEL_KEYS: readonly string[] = Object.keys(composeSpec.properties);
export const SCHEMA_DRAFT = DECLARED_DRAFT;
