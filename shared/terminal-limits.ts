// The bounds of a terminal's input (the `exec` stream, ./api.ts): plain values, the renderer imports them.

/** At most this many characters in one input; a paste is sent in pieces this large. */
export const EXEC_INPUT_MAX_CHARS = 16_384;
/** Columns and rows a terminal may have. */
export const TERMINAL_MAX_SIZE = 1000;
