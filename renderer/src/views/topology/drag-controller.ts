// Pointer dragging on the topology, outside React: a service node onto a host group, a replica
// chip out of the hosts, a count handle left or right. Pointer events with pointer capture (not
// HTML5 drag and drop). While a drag moves, nothing re-renders: the ghost moves by a transform
// once per frame, the host under the pointer is found from host rectangles taken when the drag
// began (from the layout, not the DOM), and drop highlights are data attributes.
import type { HostState } from '../../../../shared/api.ts';
import { countFromDrag, dropHint, dropIntent, passedThreshold, type DragSubject, type DropIntent, type DropTarget } from './drag.ts';
import { hitHost, screenRects, type HostsLayout, type NamedRect, type Rect } from './layout.ts';

export interface DragElements {
  hostsPane: HTMLElement;
  canvas: HTMLElement;
  ghost: HTMLElement;
  ghostTitle: HTMLElement;
  ghostHint: HTMLElement;
}

export interface DragHooks {
  enabled(): boolean;
  layout(): HostsLayout | null;
  hostState(host: string): HostState | undefined;
  /** The count to build on: a request's target while one is in flight, else the desired count. */
  base(service: string): number;
  onStart(subject: DragSubject): void;
  onEnd(): void;
  onDrop(intent: DropIntent, subject: DragSubject, element: HTMLElement): void;
}

interface Gesture {
  subject: DragSubject;
  element: HTMLElement;
  pointerId: number;
  startX: number;
  startY: number;
  x: number;
  y: number;
  started: boolean;
  base: number;
  rects: NamedRect[];
  visible: Rect;
  hostElements: Map<string, HTMLElement>;
  target: DropTarget;
  over: HTMLElement | null;
  /** The layout changed since the rectangles were taken. */
  stale: boolean;
  count: number;
}

// Interactive parts of a node that keep their own behaviour (the name button still drags).
const NOT_DRAGGABLE = 'input, select, textarea, a, button:not([data-select])';

export class DragController {
  private gesture: Gesture | null = null;
  private frame = 0;
  private suppressClick = false;

  constructor(
    private readonly els: DragElements,
    private readonly hooks: DragHooks,
  ) {}

  /** From the canvas's pointerdown (delegated): starts watching a possible drag. */
  pointerDown = (event: PointerEvent): void => {
    if (event.button !== 0 || this.gesture !== null || !this.hooks.enabled()) return;
    const target = event.target as Element | null;
    if (target === null || target.closest(NOT_DRAGGABLE) !== null) return;
    const handle = target.closest<HTMLElement>('[data-testid="count-handle"]');
    const chip = handle === null ? target.closest<HTMLElement>('[data-testid="replica"]') : null;
    const node = handle === null && chip === null ? target.closest<HTMLElement>('[data-testid="service-node"]') : null;
    const element = handle ?? chip ?? node;
    const service = element?.dataset['service'];
    if (element === null || service === undefined) return;

    let subject: DragSubject;
    if (handle !== null) subject = { kind: 'count', service, start: this.hooks.base(service) };
    else if (chip !== null) subject = { kind: 'replica', service, replica: chip.dataset['replica'] ?? '', host: chip.dataset['host'] ?? '' };
    else subject = { kind: 'service', service };

    event.preventDefault(); // no text selection while dragging
    element.setPointerCapture(event.pointerId);
    this.gesture = {
      subject,
      element,
      pointerId: event.pointerId,
      startX: event.clientX,
      startY: event.clientY,
      x: event.clientX,
      y: event.clientY,
      started: false,
      base: this.hooks.base(service),
      rects: [],
      visible: { left: 0, top: 0, right: 0, bottom: 0 },
      hostElements: new Map(),
      target: { kind: 'outside' },
      over: null,
      stale: false,
      count: subject.kind === 'count' ? subject.start : 0,
    };
    element.addEventListener('pointermove', this.onMove);
    element.addEventListener('pointerup', this.onUp);
    element.addEventListener('pointercancel', this.onCancel);
    element.addEventListener('lostpointercapture', this.onCancel);
  };

  /** True once for the click that ends a drag (it must not select what was dragged). */
  consumeClick(): boolean {
    const suppress = this.suppressClick;
    this.suppressClick = false;
    return suppress;
  }

  /** The layout changed: the host rectangles (and group elements) are taken again in the next frame. */
  relayout(): void {
    const g = this.gesture;
    if (g === null || !g.started) return;
    g.stale = true;
    if (this.frame === 0) this.frame = requestAnimationFrame(this.paint);
  }

  cancel = (): void => {
    this.finish();
  };

  private onMove = (event: PointerEvent): void => {
    const g = this.gesture;
    if (g === null || event.pointerId !== g.pointerId) return;
    g.x = event.clientX;
    g.y = event.clientY;
    if (!g.started) {
      if (!passedThreshold(g.x - g.startX, g.y - g.startY)) return;
      this.begin(g);
    }
    if (this.frame === 0) this.frame = requestAnimationFrame(this.paint);
  };

  private onUp = (event: PointerEvent): void => {
    const g = this.gesture;
    if (g === null || event.pointerId !== g.pointerId) return;
    if (!g.started) {
      this.finish();
      return;
    }
    g.x = event.clientX;
    g.y = event.clientY;
    // The drop is decided where the pointer is now, not where the last frame saw it.
    if (g.stale) this.measure(g);
    const target = this.targetAt(g, g.x, g.y);
    const count = countFromDrag(g.base, g.x - g.startX);
    const intent = dropIntent(g.subject, target, g.base, count);
    const { subject, element } = g;
    this.suppressClick = true;
    setTimeout(() => {
      this.suppressClick = false;
    }, 0);
    this.finish();
    this.hooks.onDrop(intent, subject, element);
  };

  private onCancel = (): void => {
    this.finish();
  };

  private onKey = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();
    this.finish();
  };

  private onScroll = (): void => {
    const g = this.gesture;
    if (g === null) return;
    g.stale = true;
    if (this.frame === 0) this.frame = requestAnimationFrame(this.paint);
  };

  private begin(g: Gesture): void {
    g.started = true;
    this.measure(g);
    this.collectHosts(g);
    g.element.dataset['dragging'] = '';
    if (g.subject.kind !== 'count') this.els.ghostTitle.textContent = g.subject.kind === 'service' ? g.subject.service : g.subject.replica;
    this.els.ghost.dataset['on'] = g.subject.kind;
    this.els.hostsPane.addEventListener('scroll', this.onScroll, { passive: true });
    window.addEventListener('keydown', this.onKey, true);
    this.hooks.onStart(g.subject);
  }

  private collectHosts(g: Gesture): void {
    g.hostElements.clear();
    for (const el of this.els.canvas.querySelectorAll<HTMLElement>('[data-testid="host-group"]')) {
      const name = el.dataset['host'];
      if (name !== undefined) g.hostElements.set(name, el);
    }
  }

  /** Host rectangles on screen: one read of the canvas and the pane, the rest from the layout. */
  private measure(g: Gesture): void {
    const layout = this.hooks.layout();
    const canvas = this.els.canvas.getBoundingClientRect();
    const pane = this.els.hostsPane.getBoundingClientRect();
    g.rects = layout === null ? [] : screenRects(layout, { x: canvas.left, y: canvas.top });
    g.visible = { left: pane.left, top: pane.top, right: pane.right, bottom: pane.bottom };
  }

  private targetAt(g: Gesture, x: number, y: number): DropTarget {
    const host = hitHost(g.rects, g.visible, x, y);
    if (host === null) return { kind: 'outside' };
    return { kind: 'host', host, state: this.hooks.hostState(host) ?? 'unreachable' };
  }

  private paint = (): void => {
    this.frame = 0;
    const g = this.gesture;
    if (g === null || !g.started) return;
    let forced = false;
    if (g.stale) {
      // Read in the frame, where layout is due anyway.
      this.measure(g);
      this.collectHosts(g);
      g.stale = false;
      forced = true;
    }
    const ghost = this.els.ghost;
    ghost.style.transform = `translate3d(${g.x + 14}px, ${g.y + 12}px, 0)`;

    if (g.subject.kind === 'count') {
      const count = countFromDrag(g.subject.start, g.x - g.startX);
      if (count !== g.count || forced || this.els.ghostHint.textContent === '') {
        g.count = count;
        const live = g.element.querySelector<HTMLElement>('[data-live]');
        if (live !== null) live.textContent = String(count);
        const delta = count - g.subject.start;
        this.els.ghostTitle.textContent = g.subject.service;
        this.els.ghostHint.textContent = delta === 0 ? `${count} replicas` : `Scale to ${count} (${delta > 0 ? '+' : ''}${delta})`;
      }
      return;
    }

    const target = this.targetAt(g, g.x, g.y);
    if (sameTarget(target, g.target) && !forced && this.els.ghostHint.textContent !== '') return;
    g.target = target;
    const hint = dropHint(g.subject, target, g.base);
    this.els.ghostHint.textContent = hint.text;
    if (hint.ok) ghost.dataset['ok'] = '';
    else delete ghost.dataset['ok'];

    const over = target.kind === 'host' ? (g.hostElements.get(target.host) ?? null) : null;
    if (g.over !== over) {
      if (g.over !== null) delete g.over.dataset['drop'];
      g.over = over;
    }
    if (over !== null) {
      // A service may drop on a ready host; a replica over any host stays where it is.
      over.dataset['drop'] = g.subject.kind === 'service' && hint.ok ? 'ok' : g.subject.kind === 'service' ? 'bad' : 'stay';
    }
    const zone = document.querySelector<HTMLElement>('[data-testid="remove-zone"]');
    if (zone !== null) {
      if (g.subject.kind === 'replica' && target.kind === 'outside') zone.dataset['armed'] = '';
      else delete zone.dataset['armed'];
    }
  };

  private finish(): void {
    const g = this.gesture;
    if (g === null) return;
    this.gesture = null;
    if (this.frame !== 0) cancelAnimationFrame(this.frame);
    this.frame = 0;
    g.element.removeEventListener('pointermove', this.onMove);
    g.element.removeEventListener('pointerup', this.onUp);
    g.element.removeEventListener('pointercancel', this.onCancel);
    g.element.removeEventListener('lostpointercapture', this.onCancel);
    if (g.element.hasPointerCapture(g.pointerId)) g.element.releasePointerCapture(g.pointerId);
    if (!g.started) return;
    delete g.element.dataset['dragging'];
    // The count handle shows its committed count again (a new one, once asked, comes from React).
    const live = g.element.querySelector<HTMLElement>('[data-live]');
    if (live !== null && g.element.dataset['count'] !== undefined) live.textContent = g.element.dataset['count'];
    if (g.over !== null) delete g.over.dataset['drop'];
    delete this.els.ghost.dataset['on'];
    delete this.els.ghost.dataset['ok'];
    this.els.ghostTitle.textContent = '';
    this.els.ghostHint.textContent = '';
    this.els.hostsPane.removeEventListener('scroll', this.onScroll);
    window.removeEventListener('keydown', this.onKey, true);
    this.hooks.onEnd();
  }
}

function sameTarget(a: DropTarget, b: DropTarget): boolean {
  if (a.kind !== b.kind) return false;
  return a.kind === 'outside' || (b.kind === 'host' && a.host === b.host && a.state === b.state);
}
