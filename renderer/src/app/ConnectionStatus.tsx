// The connection to the control plane: a pill in the top bar, and a banner while it is down.
import { useEffect, useState } from 'react';
import type { ConnectionState } from '../api/transport.ts';
import { useApi, useConnection } from '../state/app-state.tsx';
import { Button } from '../ui/Button.tsx';
import { cx } from '../ui/cx.ts';
import { Icon } from '../ui/icons.tsx';

const PILL: Record<ConnectionState['status'], { label: string; dot: string }> = {
  connected: { label: 'Connected', dot: 'bg-emerald-500' },
  connecting: { label: 'Connecting', dot: 'bg-amber-400 animate-pulse' },
  reconnecting: { label: 'Reconnecting', dot: 'bg-amber-400 animate-pulse' },
  unauthorized: { label: 'Not authorized', dot: 'bg-red-500' },
  unavailable: { label: 'Disconnected', dot: 'bg-zinc-400 dark:bg-zinc-500' },
};

export function ConnectionPill() {
  const connection = useConnection();
  const pill = PILL[connection.status];
  return (
    <div
      className="flex h-7 items-center gap-2 rounded-full border border-zinc-200 px-2.5 text-xs text-zinc-600 dark:border-zinc-800 dark:text-zinc-400"
      title={connection.endpoint}
    >
      <span className={cx('size-2 rounded-full', pill.dot)} />
      {pill.label}
    </div>
  );
}

export function ConnectionBanner() {
  const api = useApi();
  const connection = useConnection();
  const seconds = useSecondsUntil(connection.retryAt);
  if (connection.status === 'connected') return null;

  const severe = connection.status === 'unauthorized';
  const connecting = connection.status === 'connecting' || (connection.status === 'reconnecting' && seconds === 0);
  let title: string;
  switch (connection.status) {
    case 'connecting':
      title = `Connecting to the control plane at ${connection.endpoint}…`;
      break;
    case 'reconnecting':
      title = seconds > 0 ? `No connection to the control plane. Retrying in ${seconds} s.` : 'No connection to the control plane. Retrying…';
      break;
    case 'unauthorized':
      title = api.signIn !== undefined ? `Sign in to the control plane at ${connection.endpoint}.` : 'The control plane refused this app’s token.';
      break;
    case 'unavailable':
      title = 'Not connected to a control plane.';
      break;
  }

  return (
    <div
      role="status"
      className={cx(
        'flex items-center gap-3 border-b px-6 py-2 text-[13px]',
        severe
          ? 'border-red-200 bg-red-50 text-red-900 dark:border-red-900/60 dark:bg-red-950/50 dark:text-red-200'
          : 'border-amber-200 bg-amber-50 text-amber-900 dark:border-amber-900/50 dark:bg-amber-950/40 dark:text-amber-200',
      )}
    >
      <Icon name={severe ? 'alert' : 'plugOff'} className="size-4 shrink-0" />
      <div className="min-w-0 flex-1">
        <span className="font-medium">{title}</span>
        {connection.reason !== null && connection.status !== 'connecting' && (
          <span className="ml-1.5 opacity-80">{connection.reason}</span>
        )}
      </div>
      {connection.status === 'unauthorized' && api.signIn !== undefined ? (
        <SignInForm onSignIn={api.signIn} />
      ) : (
        (connection.status === 'reconnecting' || connection.status === 'unauthorized') && (
          <Button variant="secondary" icon="refresh" busy={connecting} onClick={() => api.reconnectNow()} className="h-7">
            Retry now
          </Button>
        )
      )}
    </div>
  );
}

/** The token of a `baton serve`, typed or pasted by a person; nothing is sent anywhere but that server. */
function SignInForm({ onSignIn }: { onSignIn: (token: string) => void }) {
  const [token, setToken] = useState('');
  return (
    <form
      className="flex shrink-0 items-center gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        if (token.trim() !== '') onSignIn(token);
        setToken('');
      }}
    >
      <label className="sr-only" htmlFor="baton-token">
        Token
      </label>
      <input
        id="baton-token"
        type="password"
        autoComplete="off"
        spellCheck={false}
        value={token}
        onChange={(e) => setToken(e.target.value)}
        placeholder="Token"
        className="h-7 w-56 rounded-md border border-red-200 bg-white px-2 font-mono text-[12px] text-zinc-900 focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/20 focus:outline-none dark:border-red-900/60 dark:bg-zinc-900 dark:text-zinc-100"
      />
      <Button variant="primary" type="submit" disabled={token.trim() === ''} className="h-7">
        Sign in
      </Button>
    </form>
  );
}

function useSecondsUntil(at: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (at === null) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [at]);
  return at === null ? 0 : Math.max(0, Math.ceil((at - now) / 1000));
}
