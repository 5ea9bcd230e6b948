// One structured logger for the control plane. Secret-bearing fields are redacted by path, so a
// passphrase or a secret value can't reach a log line even if someone logs a whole request.
import { pino, type Logger } from 'pino';

export type { Logger };

const REDACT = [
  'passphrase',
  '*.passphrase',
  'params.passphrase',
  'token',
  '*.token',
  'privateKey',
  '*.privateKey',
  'secret',
  '*.secret',
];

export function createLogger(options: { level?: string; destination?: string } = {}): Logger {
  const level = options.level ?? process.env.BATON_LOG_LEVEL ?? 'info';
  const redact = { paths: REDACT, censor: '[redacted]' };
  if (options.destination) {
    return pino({ level, redact }, pino.destination({ dest: options.destination, mkdir: true, sync: false }));
  }
  // stderr, so a CLI's stdout stays clean for --json output
  return pino({ level, redact }, pino.destination(2));
}

/** A logger that writes nothing: for tests and short-lived CLI processes. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
