// The topology: hosts as groups with their replicas as chips, services (by stack) linked to their
// replicas, live from the cluster snapshot. Select anything for its details; scale by slider,
// by − / +, by dragging a service onto a host, a replica out of the hosts, or a count handle.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore, type MouseEvent } from 'react';
import type { BatonError } from '../../../../shared/errors.ts';
import { useApi, useCluster, useConnection } from '../../state/app-state.tsx';
import { Spinner } from '../../ui/Button.tsx';
import { CopyCommand } from '../../ui/CopyCommand.tsx';
import { cx } from '../../ui/cx.ts';
import { EmptyState } from '../../ui/EmptyState.tsx';
import { ErrorHint, LoadFailed } from '../../ui/ErrorNote.tsx';
import { Icon } from '../../ui/icons.tsx';
import { WaitingForControlPlane } from '../../ui/WaitingForControlPlane.tsx';
import { isTypingTarget } from '../../ui/keyboard.ts';
import { DetailsPanel } from './DetailsPanel.tsx';
import { DragController } from './drag-controller.ts';
import { clampReplicas, type DragSubject } from './drag.ts';
import { HostGroup } from './HostGroup.tsx';
import { useHostRequestsFeed } from './host-requests.ts';
import { selectionId, type Selection } from './inspect.ts';
import { chooseChips, layoutHosts, type HostsLayout } from './layout.ts';
import { LinkPainter } from './link-painter.ts';
import { CHIP_LOOK, LEGEND } from './looks.ts';
import { buildTopology, filterTopology, replicaServiceKey, requestActive, type TopologyModel } from './model.ts';
import { ScaleActions } from './scale-actions.ts';
import { ServiceList } from './ServiceList.tsx';

export function TopologyView() {
  const { cluster, status, error, refresh } = useCluster();
  const connection = useConnection();
  const connected = connection.status === 'connected';
  const model = useMemo(() => buildTopology(cluster), [cluster]);

  if (model.hosts.length === 0) {
    if (status === 'loading' && connected) {
      return (
        <div className="flex items-center justify-center gap-2 py-24 text-[13px] text-zinc-500">
          <Spinner /> Loading the cluster…
        </div>
      );
    }
    if (!connected) return <WaitingForControlPlane what="Your hosts, services and replicas" />;
    if (status === 'error' && error !== null) {
      return (
        <LoadFailed error={error} title="Could not load the cluster" onRetry={() => void refresh()} className="mx-auto max-w-xl px-6 py-12" />
      );
    }
    return <NoHosts />;
  }
  return <Workspace model={model} connected={connected} refreshError={error} />;
}

function Workspace({ model, connected, refreshError }: { model: TopologyModel; connected: boolean; refreshError: BatonError | null }) {
  const api = useApi();
  const requests = useHostRequestsFeed();
  const actions = useMemo(() => new ScaleActions(api), [api]);
  const actionState = useSyncExternalStore(actions.subscribe, actions.getSnapshot);
  useEffect(() => {
    actions.observe(new Map(model.services.map((s) => [s.key, s.status.desired])));
  }, [actions, model]);

  const [filterText, setFilterText] = useState('');
  const filtered = useMemo(() => filterTopology(model, filterText), [model, filterText]);
  const [selection, setSelection] = useState<Selection | null>(null);
  const [dragging, setDragging] = useState<DragSubject | null>(null);
  const [width, setWidth] = useState(0);

  const bodyRef = useRef<HTMLDivElement>(null);
  const servicesRef = useRef<HTMLDivElement>(null);
  const hostsRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLDivElement>(null);
  const faintRef = useRef<SVGPathElement>(null);
  const strongRef = useRef<SVGPathElement>(null);
  const ghostRef = useRef<HTMLDivElement>(null);
  const ghostTitleRef = useRef<HTMLSpanElement>(null);
  const ghostHintRef = useRef<HTMLSpanElement>(null);
  const painterRef = useRef<LinkPainter | null>(null);
  const dragRef = useRef<DragController | null>(null);

  const chip = useMemo(() => {
    const most = model.hosts.reduce((max, h) => Math.max(max, h.replicas.length), 0);
    return chooseChips(most, model.replicasByName.size);
  }, [model]);
  // Where chips sit changes only when replicas come, go or move, not on every snapshot (a health
  // change moves nothing): the layout and the links' scene keep their identity until then.
  // (`placement` stands for `filtered.hosts` in the dependencies: it is all they contribute.)
  const placement = filtered.hosts.map((h) => `${h.host.name}:${h.placement}`).join('\n');
  const layout = useMemo<HostsLayout | null>(
    () => (width === 0 ? null : layoutHosts(filtered.hosts.map((h) => ({ name: h.host.name, replicas: h.replicas.length })), width, chip)),
    [placement, width, chip],
  );
  const scene = useMemo(() => (layout === null ? null : { hosts: filtered.hosts, layout }), [layout]);

  // What the drag controller reads when it asks (it lives outside React's renders).
  const latest = useRef({ model, scene, layout, actionState, connected });
  latest.current = { model, scene, layout, actionState, connected };

  const baseCount = useCallback((service: string): number => {
    const { model: m, actionState: a } = latest.current;
    const desired = m.servicesByKey.get(service)?.status.desired ?? 0;
    const request = a.get(service)?.request ?? null;
    return requestActive(request, desired) ? request.target : desired;
  }, []);

  useLayoutEffect(() => {
    const body = bodyRef.current;
    const servicesPane = servicesRef.current;
    const hostsPane = hostsRef.current;
    const canvas = canvasRef.current;
    const faint = faintRef.current;
    const strong = strongRef.current;
    const ghost = ghostRef.current;
    const ghostTitle = ghostTitleRef.current;
    const ghostHint = ghostHintRef.current;
    if (!body || !servicesPane || !hostsPane || !canvas || !faint || !strong || !ghost || !ghostTitle || !ghostHint) return;
    const painter = new LinkPainter({ body, servicesPane, hostsPane, canvas, faint, strong });
    const drag = new DragController(
      { hostsPane, canvas, ghost, ghostTitle, ghostHint },
      {
        enabled: () => latest.current.connected,
        layout: () => latest.current.layout,
        hostState: (host) => latest.current.model.hostsByName.get(host)?.host.state,
        base: baseCount,
        onStart: (subject) => {
          setDragging(subject);
          painter.setDragged(subject.service);
        },
        onEnd: () => {
          setDragging(null);
          painter.setDragged(null);
        },
        onDrop: (intent, subject, element) => {
          if (intent.kind === 'scale') actions.scale(intent.service, intent.replicas, intent.preferHost);
          else if (intent.kind === 'remove' && subject.kind === 'replica') {
            element.dataset['removing'] = '';
            void actions.removeReplica(intent.service, intent.replica, clampReplicas(baseCount(intent.service) - 1)).then((removed) => {
              if (!removed) delete element.dataset['removing'];
            });
          }
        },
      },
    );
    painterRef.current = painter;
    dragRef.current = drag;
    const first = latest.current.scene;
    if (first !== null) painter.setScene(first);
    body.addEventListener('pointerdown', drag.pointerDown);
    setWidth(hostsPane.clientWidth);
    const resize = new ResizeObserver(() => {
      setWidth(hostsPane.clientWidth);
      painter.schedule();
    });
    resize.observe(hostsPane);
    resize.observe(body);
    return () => {
      resize.disconnect();
      body.removeEventListener('pointerdown', drag.pointerDown);
      drag.cancel();
      painter.dispose();
      painterRef.current = null;
      dragRef.current = null;
    };
  }, [actions, baseCount]);

  // The painter computes link ends from the layout when a frame needs them, never from the DOM.
  useLayoutEffect(() => {
    if (scene === null) return;
    painterRef.current?.setScene(scene);
    dragRef.current?.relayout(); // replicas came or went during a drag: the groups moved
  }, [scene]);

  const pinned = linkedService(selection, model);
  useEffect(() => painterRef.current?.setPinned(pinned), [pinned]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.key !== 'Escape' || event.defaultPrevented || isTypingTarget(event.target)) return;
      setSelection(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const onClick = (event: MouseEvent): void => {
    if (dragRef.current?.consumeClick()) return;
    const target = event.target as Element;
    const chipEl = target.closest<HTMLElement>('[data-testid="replica"]');
    if (chipEl?.dataset['replica'] !== undefined) return setSelection({ kind: 'replica', name: chipEl.dataset['replica'] });
    const node = target.closest<HTMLElement>('[data-testid="service-node"]');
    if (node?.dataset['service'] !== undefined) return setSelection({ kind: 'service', key: node.dataset['service'] });
    const group = target.closest<HTMLElement>('[data-testid="host-group"]');
    if (group?.dataset['host'] !== undefined) return setSelection({ kind: 'host', name: group.dataset['host'] });
    if (hostsRef.current?.contains(target)) setSelection(null);
  };

  const onScale = useCallback((service: string, replicas: number) => actions.scale(service, replicas), [actions]);
  const onDismissError = useCallback((service: string) => actions.dismissError(service), [actions]);
  const onHover = useCallback((service: string | null) => painterRef.current?.setHovered(service), []);
  const onServicesRendered = useCallback(() => painterRef.current?.servicesChanged(), []);
  const onScroll = useCallback(() => painterRef.current?.schedule(), []);

  const selectedService = selection?.kind === 'service' ? selection.key : null;
  const selectedHost = selection?.kind === 'host' ? selection.name : null;
  const selectedReplica = selection?.kind === 'replica' ? model.replicasByName.get(selection.name) : undefined;

  return (
    <div className="flex h-full min-h-0 flex-col">
      <Toolbar
        model={model}
        filterText={filterText}
        onFilter={setFilterText}
        connected={connected}
        refreshError={connected ? refreshError : null}
      />
      <div className="flex min-h-0 flex-1">
        <div ref={bodyRef} className="relative flex min-w-0 flex-1" onClick={onClick}>
          <ServiceList
            scrollRef={servicesRef}
            stacks={filtered.stacks}
            total={model.services.length}
            needle={filtered.needle}
            actions={actionState}
            selected={selectedService}
            connected={connected}
            onScale={onScale}
            onDismissError={onDismissError}
            onHover={onHover}
            onRendered={onServicesRendered}
            onScroll={onScroll}
          />
          <div ref={hostsRef} onScroll={onScroll} data-stale={connected ? undefined : ''} className="relative min-w-0 flex-1 overflow-auto bg-zinc-50/40 transition-[filter,opacity] data-stale:opacity-60 data-stale:saturate-0 dark:bg-zinc-950">
            <div ref={canvasRef} data-hosts-canvas="" className="relative" style={{ height: layout?.height ?? 0 }}>
              {layout !== null &&
                filtered.hosts.map((node) => {
                  const box = layout.byName.get(node.host.name);
                  if (box === undefined) return null;
                  return (
                    <HostGroup
                      key={node.host.name}
                      node={node}
                      box={box}
                      chip={layout.chip}
                      needle={filtered.needle}
                      selected={node.host.name === selectedHost}
                      selectedReplica={selectedReplica?.host === node.host.name ? selectedReplica.name : null}
                      requests={requests}
                    />
                  );
                })}
            </div>
            {filtered.hosts.length === 0 && <p className="py-16 text-center text-[13px] text-zinc-500">No host matches “{filterText.trim()}”.</p>}
          </div>
          <svg className="pointer-events-none absolute inset-0 z-10 size-full overflow-hidden" aria-hidden="true">
            <path ref={faintRef} className="fill-none stroke-zinc-400/40 dark:stroke-zinc-500/35" strokeWidth={1} />
            <path ref={strongRef} className="fill-none stroke-indigo-500/85 dark:stroke-indigo-400/85" strokeWidth={1.5} />
          </svg>
          {dragging?.kind === 'replica' && <RemoveZone replica={dragging.replica} />}
        </div>
        {selection !== null && (
          <DetailsPanel
            key={selectionId(selection)}
            selection={selection}
            model={model}
            action={selectedService === null ? undefined : actionState.get(selectedService)}
            connected={connected}
            onSelect={setSelection}
            onClose={() => setSelection(null)}
            onScale={onScale}
            onDismissError={onDismissError}
          />
        )}
      </div>
      <div
        ref={ghostRef}
        aria-hidden="true"
        className="group/ghost pointer-events-none fixed top-0 left-0 z-50 hidden max-w-80 flex-col rounded-lg border border-zinc-200 bg-white/95 px-2.5 py-1.5 text-[12px] shadow-lg will-change-transform data-on:flex dark:border-zinc-700 dark:bg-zinc-900/95"
      >
        <span ref={ghostTitleRef} className="truncate font-medium text-zinc-900 dark:text-zinc-100" />
        <span
          ref={ghostHintRef}
          className="text-zinc-500 group-data-ok/ghost:text-indigo-600 group-data-[on=replica]/ghost:group-data-ok/ghost:text-red-600 dark:text-zinc-400 dark:group-data-ok/ghost:text-indigo-300 dark:group-data-[on=replica]/ghost:group-data-ok/ghost:text-red-300"
        />
      </div>
    </div>
  );
}

/** The service whose links stay drawn strongly for a selection: the service, or a replica's. */
function linkedService(selection: Selection | null, model: TopologyModel): string | null {
  if (selection?.kind === 'service') return selection.key;
  if (selection?.kind !== 'replica') return null;
  const replica = model.replicasByName.get(selection.name);
  return replica === undefined ? null : replicaServiceKey(replica);
}

function Toolbar({ model, filterText, onFilter, connected, refreshError }: { model: TopologyModel; filterText: string; onFilter: (text: string) => void; connected: boolean; refreshError: BatonError | null }) {
  const ready = model.hosts.filter((h) => h.host.state === 'ready').length;
  return (
    <div className="flex h-12 shrink-0 items-center gap-4 border-b border-zinc-200 px-4 dark:border-zinc-800">
      <label className="relative w-64 shrink-0">
        <span className="sr-only">Filter services and hosts</span>
        <Icon name="search" className="pointer-events-none absolute top-1/2 left-2.5 size-3.5 -translate-y-1/2 text-zinc-400" />
        <input
          data-view-filter=""
          type="search"
          value={filterText}
          onChange={(e) => onFilter(e.target.value)}
          onKeyDown={(e) => {
            if (e.key !== 'Escape') return;
            if (filterText !== '') onFilter('');
            else e.currentTarget.blur();
          }}
          placeholder="Filter services and hosts"
          className="peer h-8 w-full rounded-md border border-zinc-200 bg-white pr-8 pl-8 text-[13px] placeholder:text-zinc-400 focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/20 focus:outline-none dark:border-zinc-800 dark:bg-zinc-900 dark:placeholder:text-zinc-500 [&::-webkit-search-cancel-button]:hidden"
        />
        <kbd className="pointer-events-none absolute peer-focus:hidden peer-[:not(:placeholder-shown)]:hidden top-1/2 right-2 -translate-y-1/2 rounded border border-zinc-200 px-1 font-sans text-[10px] text-zinc-400 dark:border-zinc-700">/</kbd>
      </label>
      <p className="shrink-0 text-[12px] text-zinc-500 tabular-nums dark:text-zinc-400">
        <b className="font-semibold text-zinc-800 dark:text-zinc-200">{model.hosts.length}</b> {model.hosts.length === 1 ? 'host' : 'hosts'}
        {ready < model.hosts.length && <span> ({ready} ready)</span>} · <b className="font-semibold text-zinc-800 dark:text-zinc-200">{model.services.length}</b>{' '}
        {model.services.length === 1 ? 'service' : 'services'} · <b className="font-semibold text-zinc-800 dark:text-zinc-200">{model.replicasByName.size}</b>{' '}
        {model.replicasByName.size === 1 ? 'replica' : 'replicas'}
      </p>
      {!connected && (
        <p data-testid="stale-picture" className="flex min-w-0 items-center gap-1.5 text-[12px] text-amber-700 dark:text-amber-300">
          <Icon name="plugOff" className="size-3.5 shrink-0" />
          <span className="truncate">The last picture before the connection was lost: not live, controls off until it is back</span>
        </p>
      )}
      {refreshError !== null && (
        <div className="flex min-w-0 items-center gap-1.5 text-[12px] text-red-700 dark:text-red-300" title={[refreshError.message, refreshError.hint].filter(Boolean).join('\n')}>
          <Icon name="alert" className="size-3.5 shrink-0" />
          <span className="truncate">Showing the last picture: {refreshError.message}</span>
          <ErrorHint error={refreshError} className="min-w-0 truncate" />
        </div>
      )}
      <ul className="ml-auto hidden items-center gap-3 text-[11px] text-zinc-500 2xl:flex dark:text-zinc-400" aria-label="Replica colours">
        {LEGEND.map(({ look, label }) => (
          <li key={look} className="flex items-center gap-1.5">
            <span className={cx('size-2.5 rounded-[3px] ring-1 ring-inset', CHIP_LOOK[look].body)} />
            {label}
          </li>
        ))}
        <li className="flex items-center gap-1.5">
          <span className="size-1.5 rounded-full bg-violet-500" />
          Older revision
        </li>
        <li className="flex items-center gap-1.5" title="Leaving the ingress's pools: no new requests, its open ones finishing">
          <span className="size-2.5 rounded-[3px] border-[1.5px] border-dashed border-amber-500 dark:border-amber-400" />
          Draining
        </li>
        <li className="flex items-center gap-1.5" title="Running, but in no ingress pool: takes no traffic">
          <span className={cx('size-2.5 rounded-[3px] ring-1 ring-inset grayscale', CHIP_LOOK.healthy.body)} />
          Out of the pool
        </li>
      </ul>
    </div>
  );
}

function RemoveZone({ replica }: { replica: string }) {
  return (
    <div
      data-testid="remove-zone"
      className={cx(
        'absolute top-0 bottom-0 left-0 z-20 flex w-72 flex-col items-center justify-center gap-2 border-2 border-dashed px-6 text-center',
        'border-red-300 bg-red-50/95 text-red-800 data-armed:border-red-500 data-armed:bg-red-100/95',
        'dark:border-red-500/40 dark:bg-red-950/90 dark:text-red-200 dark:data-armed:border-red-400 dark:data-armed:bg-red-900/80',
      )}
    >
      <Icon name="trash" className="size-6" />
      <p className="text-[13px] font-medium">Drop here to remove</p>
      <p className="max-w-full truncate font-mono text-[12px]">{replica}</p>
      <p className="text-[11px] opacity-75">Dropping it anywhere outside the hosts removes it too; its service keeps one replica fewer.</p>
    </div>
  );
}

function NoHosts() {
  return (
    <EmptyState
      icon={<Icon name="network" className="size-6" />}
      title="Your cluster starts with a host"
      tone="accent"
      wide
      className="py-16"
      actions={
        <a
          href="#/hosts"
          className="inline-flex h-8 items-center gap-1.5 rounded-md bg-indigo-600 px-3 text-[13px] font-medium text-white shadow-sm hover:bg-indigo-500 dark:bg-indigo-500 dark:hover:bg-indigo-400"
        >
          <Icon name="plus" className="size-4" />
          Add a host
        </a>
      }
      more={
        <div className="text-left">
          <p className="mb-2 text-[12px] text-zinc-500">Or from a terminal:</p>
          <CopyCommand command="baton host add user@server" />
        </div>
      }
    >
      The topology shows your hosts, the services you deploy on them and where each replica runs. Add a Linux machine with Docker
      that you reach over SSH, or this machine’s own Docker engine.
    </EmptyState>
  );
}

