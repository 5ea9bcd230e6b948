// Which host has which image (`image.list`, fetched again on image.* and host.* events), and a push
// of one image to every ready host that lacks it over the SSH links (the `image.push` stream), one
// progress bar per host.
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useApi, useConnection, useHosts } from '../../state/app-state.tsx';
import { ListQuery } from '../../state/list-query.ts';
import { Button, Spinner } from '../../ui/Button.tsx';
import { cx } from '../../ui/cx.ts';
import { ErrorNote, LoadFailed } from '../../ui/ErrorNote.tsx';
import { INPUT_CLASS } from '../../ui/Field.tsx';
import { Icon } from '../../ui/icons.tsx';
import { WaitingForControlPlane } from '../../ui/WaitingForControlPlane.tsx';
import { imagesByHost, LOCAL_ENGINE, pushChunk, pushEnded, pushStarted, type PushBar, type PushState } from './images-model.ts';

const BAR_FILL: Record<PushBar['state'], string> = {
  present: 'bg-zinc-300 dark:bg-zinc-600',
  waiting: 'bg-indigo-500',
  sending: 'bg-indigo-500',
  loading: 'bg-indigo-500 animate-pulse',
  done: 'bg-emerald-500',
  failed: 'bg-red-500',
};

export function ImagesView() {
  const api = useApi();
  const connected = useConnection().status === 'connected';
  const { hosts } = useHosts();
  const query = useMemo(() => new ListQuery(api, 'image.list', (e) => e.kind === 'image.copied' || e.kind === 'image.tagged' || e.kind === 'host.ready' || e.kind === 'host.added' || e.kind === 'host.removed'), [api]);
  useEffect(() => query.start(), [query]);
  const { items, status, error } = useSyncExternalStore(query.subscribe, query.getSnapshot);
  const [chosen, setChosen] = useState('');
  const [push, setPush] = useState<PushState | null>(null);
  const cancel = useRef<(() => void) | null>(null);
  useEffect(() => () => cancel.current?.(), []);

  if (items === null) {
    if (!connected) return <WaitingForControlPlane what="Your images" />;
    if (status === 'error' && error !== null) return <LoadFailed error={error} title="Could not load the images" onRetry={() => void query.refresh()} className="mx-auto max-w-xl px-6 py-12" />;
    return (
      <div className="flex items-center justify-center gap-2 py-24 text-[13px] text-zinc-500">
        <Spinner /> Loading images…
      </div>
    );
  }
  const refs = [...new Set(items.map((i) => i.ref))].sort();
  const image = chosen !== '' && refs.includes(chosen) ? chosen : (refs[0] ?? '');
  const perHost = imagesByHost(items, hosts.map((h) => h.name));
  const pushing = push !== null && push.outcome === null;

  const start = (): void => {
    if (image === '') return;
    cancel.current?.();
    setPush(pushStarted(image));
    cancel.current = api.stream('image.push', { image, all: true }, {
      chunk: (chunk) => setPush((s) => (s === null ? s : pushChunk(s, chunk))),
      end: (err) => {
        cancel.current = null;
        setPush((s) => (s === null ? s : pushEnded(s, err === null ? null : err.message)));
      },
    });
  };

  return (
    <div className="flex flex-col gap-6 px-6 py-5" data-testid="images-view">
      {error !== null && connected && <ErrorNote error={error} title="Could not refresh the images" />}
      <section className="rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
        <h2 className="text-[13px] font-semibold">Push an image</h2>
        <p className="mt-0.5 text-[12px] text-zinc-500">To every ready host that lacks it, over the SSH links: only the layers each host lacks go.</p>
        <div className="mt-3 flex items-center gap-2">
          <select aria-label="Image" data-testid="push-image" className={cx(INPUT_CLASS, 'max-w-sm')} value={image} onChange={(e) => setChosen(e.currentTarget.value)} disabled={pushing}>
            {refs.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
          <Button variant="primary" icon="upload" data-testid="push" busy={pushing} disabled={!connected || image === ''} onClick={start}>
            Push to every host
          </Button>
        </div>
        {push !== null && (
          <div className="mt-4 flex flex-col gap-2.5" data-testid="push-progress" data-outcome={push.outcome ?? 'going'}>
            <p className="text-[12px] text-zinc-600 dark:text-zinc-400">
              {push.image}
              {push.source !== null && ` from ${push.source}`}
              {push.outcome === 'done' && ': done.'}
            </p>
            {push.bars.map((b) => (
              <div key={b.host} data-testid="push-bar" data-host={b.host} data-state={b.state} className="grid grid-cols-[7rem_1fr_16rem] items-center gap-3 text-[12px]">
                <span className="truncate font-medium">{b.host}</span>
                <div role="progressbar" aria-label={`${push.image} to ${b.host}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={b.percent} aria-valuetext={b.text} className="h-2 overflow-hidden rounded-full bg-zinc-100 dark:bg-zinc-800">
                  <div className={cx('h-full rounded-full transition-[width]', BAR_FILL[b.state])} style={{ width: `${b.percent}%` }} />
                </div>
                <span className={cx('truncate', b.state === 'failed' ? 'text-red-600 dark:text-red-400' : 'text-zinc-500')} title={b.text}>
                  {b.text}
                </span>
              </div>
            ))}
            {push.error !== null && <p className="text-[12px] text-red-600 dark:text-red-400">{push.error}</p>}
          </div>
        )}
      </section>
      {perHost.map((h) => (
        <section key={h.host} data-testid="image-host" data-host={h.host}>
          <h2 className="mb-2 flex items-center gap-2 text-[13px] font-semibold">
            <Icon name={h.host === LOCAL_ENGINE ? 'laptop' : 'server'} className="size-4 text-zinc-400" />
            {h.host}
            <span className="text-xs font-normal text-zinc-500">{h.images.length} {h.images.length === 1 ? 'image' : 'images'}</span>
          </h2>
          {h.images.length === 0 ? (
            <p className="text-[12px] text-zinc-500">No images (or the host is not reachable now).</p>
          ) : (
            <ul className="flex flex-wrap gap-1.5">
              {h.images.map((i) => (
                <li key={i.ref} data-testid="image" data-image={i.ref} title={`${i.id} · ${i.size}`} className="rounded bg-zinc-100 px-2 py-0.5 font-mono text-[12px] text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300">
                  {i.ref} <span className="text-zinc-400">{i.size}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      ))}
    </div>
  );
}
