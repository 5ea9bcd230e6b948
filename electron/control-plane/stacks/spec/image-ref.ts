// An image reference checked against the grammar Docker's own parser uses (distribution's
// reference package): [registry[:port]/]path[:tag][@digest], the path in lowercase letters, digits
// and single separators (`.`, `_`, `__`, dashes). Pure. A reference the engine would refuse (or,
// worse, read as something else) is refused at apply, at the character that breaks it.

export interface ImageRefProblem {
  /** The offending character's index in the reference. */
  at: number;
  message: string;
}

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;
const ALLOWED = /[A-Za-z0-9._\-/:@[\]]/;

function describe(c: string): string {
  const code = c.codePointAt(0)!;
  if (c === ' ') return 'a space';
  if (code === 0) return 'a NUL byte';
  if (code < 0x20 || code === 0x7f) return `a control character (U+${code.toString(16).toUpperCase().padStart(4, '0')})`;
  return `"${c}"`;
}

export function checkImageRef(ref: string): ImageRefProblem | null {
  if (ref.length > 512) return { at: 512, message: `is ${ref.length} characters long: an image reference is at most 512` };
  for (let i = 0; i < ref.length; i++) {
    if (!ALLOWED.test(ref[i]!)) return { at: i, message: `has ${describe(ref[i]!)} at character ${i + 1}: an image reference is letters, digits and . _ - / : @` };
  }
  let rest = ref;
  const atDigest = rest.indexOf('@');
  if (atDigest !== -1) {
    const digest = rest.slice(atDigest + 1);
    if (!DIGEST.test(digest)) return { at: atDigest + 1, message: `has a digest "${digest}" that is not ALGORITHM:HEX (e.g. sha256:…)` };
    rest = rest.slice(0, atDigest);
  }
  // a tag is after the last colon that comes after the last slash (a colon before it is a port)
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', lastSlash + 1);
  if (colon !== -1) {
    const tag = rest.slice(colon + 1);
    if (!TAG.test(tag)) return { at: colon + 1, message: `has a tag "${tag}" that is not a tag (letters, digits, _ . -, at most 128, not starting with . or -)` };
    rest = rest.slice(0, colon);
  }
  const parts = rest.split('/');
  let offset = 0;
  // the first part is a registry when it looks like a host: a dot, a port, or localhost
  if (parts.length > 1 && (/[.:]/.test(parts[0]!) || parts[0] === 'localhost' || /[A-Z]/.test(parts[0]!))) {
    if (!DOMAIN.test(parts[0]!)) return { at: 0, message: `has a registry "${parts[0]}" that is not a host name or address with an optional port` };
    offset = parts[0]!.length + 1;
    parts.shift();
  }
  for (const part of parts) {
    if (!PATH_COMPONENT.test(part)) {
      const upper = part.search(/[A-Z]/);
      if (upper !== -1) return { at: offset + upper, message: `has a capital letter at character ${offset + upper + 1}: a repository name is lowercase (write "${ref.slice(0, offset)}${part.toLowerCase()}")` };
      return { at: offset, message: `has "${part}" as a path component: lowercase letters and digits, with single . or _ (or __, or dashes) between them` };
    }
    offset += part.length + 1;
  }
  return null;
}
