// The links from services to their replica chips: one SVG with two paths (all links, faint; the
// active service's, strong), routed in the gaps between chips (layout.ts linkRoute) and drawn
// outside React from positions known ahead: chips from the layout, service nodes read once after the list renders. Drawn at most once per frame, in the
// frame itself (so reading the nodes' offsets costs no extra layout): on a new scene, a scroll of
// either pane, or a change of the active service. The active service's chips are marked with
// data-linked for their outline.
import { linkEnd, servicePaths, type HostsLayout, type LinkEnd, type Point } from './layout.ts';
import { replicaServiceKey, type HostNode } from './model.ts';

export interface LinkElements {
  /** The box the SVG covers; the panes are positioned inside it. */
  body: HTMLElement;
  servicesPane: HTMLElement;
  hostsPane: HTMLElement;
  canvas: HTMLElement;
  faint: SVGPathElement;
  strong: SVGPathElement;
}

/** Links beyond this many are not drawn faintly: a thousand faint curves are only a haze. */
export const FAINT_LINKS_MAX = 240;

/** Where a service's links start: its node's right edge, at its title row (see the node's padding). */
const ANCHOR_Y = 18;

export interface LinkScene {
  hosts: readonly HostNode[];
  layout: HostsLayout;
}

export class LinkPainter {
  private scene: LinkScene | null = null;
  private ends = new Map<string, LinkEnd[]>();
  private endsComplete = false;
  private total = 0;
  private anchors = new Map<string, Point>();
  private anchorsStale = true;
  private hovered: string | null = null;
  private pinned: string | null = null;
  private dragged: string | null = null;
  private highlighted: string | null = null;
  private highlightStale = false;
  private frame = 0;
  private lastFaint = '';
  private lastStrong = '';

  constructor(private readonly els: LinkElements) {}

  /** The hosts drawn and where: link ends are computed from it when a frame needs them. */
  setScene(scene: LinkScene): void {
    this.scene = scene;
    this.ends = new Map();
    this.endsComplete = false;
    this.total = scene.hosts.reduce((n, h) => n + h.replicas.length, 0);
    this.highlightStale = true; // chips may be new elements: mark them again
    this.schedule();
  }

  /** The services list rendered: its nodes may have moved. */
  servicesChanged(): void {
    this.anchorsStale = true;
    this.schedule();
  }

  setHovered(service: string | null): void {
    this.hovered = service;
    this.schedule();
  }

  setPinned(service: string | null): void {
    this.pinned = service;
    this.schedule();
  }

  setDragged(service: string | null): void {
    this.dragged = service;
    this.schedule();
  }

  schedule = (): void => {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  };

  dispose(): void {
    if (this.frame !== 0) cancelAnimationFrame(this.frame);
    this.frame = 0;
  }

  private active(): string | null {
    return this.dragged ?? this.hovered ?? this.pinned;
  }

  private measureAnchors(): void {
    const anchors = new Map<string, Point>();
    for (const node of this.els.servicesPane.querySelectorAll<HTMLElement>('[data-testid="service-node"]')) {
      const key = node.dataset['service'];
      if (key !== undefined) anchors.set(key, { x: node.offsetLeft + node.offsetWidth, y: node.offsetTop + ANCHOR_Y });
    }
    this.anchors = anchors;
    this.anchorsStale = false;
  }

  /** Chip link ends (top edge, middle: layout.ts linkEnd) in canvas coordinates: of one service, or of all. */
  private endsOf(service: string | null): LinkEnd[] | Map<string, LinkEnd[]> {
    const scene = this.scene;
    if (scene === null) return service === null ? this.ends : [];
    if (service !== null && this.ends.has(service)) return this.ends.get(service) ?? [];
    if (service === null && this.endsComplete) return this.ends;
    const { layout } = scene;
    const found = new Map<string, LinkEnd[]>();
    for (const node of scene.hosts) {
      const box = layout.byName.get(node.host.name);
      if (box === undefined) continue;
      node.replicas.forEach((replica, index) => {
        const key = replicaServiceKey(replica);
        if (service !== null && key !== service) return;
        const end = linkEnd(box, index, layout.chip);
        const list = found.get(key);
        if (list === undefined) found.set(key, [end]);
        else list.push(end);
      });
    }
    if (service !== null) {
      const list = found.get(service) ?? [];
      this.ends.set(service, list);
      return list;
    }
    this.ends = found;
    this.endsComplete = true;
    return found;
  }

  private draw(): void {
    const { body, servicesPane, hostsPane, canvas } = this.els;
    if (this.anchorsStale) this.measureAnchors();
    const serviceOffset = { x: servicesPane.offsetLeft, y: servicesPane.offsetTop - servicesPane.scrollTop };
    const chipOffsetOnScreen = {
      x: hostsPane.offsetLeft + canvas.offsetLeft - hostsPane.scrollLeft,
      y: hostsPane.offsetTop + canvas.offsetTop - hostsPane.scrollTop,
    };
    const minY = -60;
    const maxY = body.clientHeight + 60;
    const active = this.active();
    const pathFor = (service: string, chips: readonly LinkEnd[]): string => {
      const anchor = this.anchors.get(service);
      if (anchor === undefined || chips.length === 0) return '';
      // Links start at the services pane's edge even when a service is scrolled out of it; routed in canvas coordinates.
      const from = { x: anchor.x + serviceOffset.x - chipOffsetOnScreen.x, y: anchor.y + serviceOffset.y - chipOffsetOnScreen.y };
      return servicePaths(from, chips, minY, maxY, chipOffsetOnScreen);
    };

    let faint = '';
    if (this.total <= FAINT_LINKS_MAX) {
      const all = this.endsOf(null) as Map<string, LinkEnd[]>;
      for (const [service, chips] of all) if (service !== active) faint += pathFor(service, chips);
    }
    const strong = active === null ? '' : pathFor(active, this.endsOf(active) as LinkEnd[]);
    if (faint !== this.lastFaint) {
      this.els.faint.setAttribute('d', faint);
      this.lastFaint = faint;
    }
    if (strong !== this.lastStrong) {
      this.els.strong.setAttribute('d', strong);
      this.lastStrong = strong;
    }
    if (active !== this.highlighted || (this.highlightStale && active !== null)) this.highlight(active);
    this.highlightStale = false;
  }

  private highlight(service: string | null): void {
    const canvas = this.els.canvas;
    const chipsOf = (key: string) => canvas.querySelectorAll<HTMLElement>(`[data-testid="replica"][data-service="${CSS.escape(key)}"]`);
    if (this.highlighted !== null && this.highlighted !== service) {
      for (const chip of chipsOf(this.highlighted)) delete chip.dataset['linked'];
    }
    // Only chips not marked yet are touched: an attribute write costs a style pass even unchanged.
    if (service !== null) for (const chip of chipsOf(service)) if (chip.dataset['linked'] === undefined) chip.dataset['linked'] = '';
    this.highlighted = service;
  }
}
