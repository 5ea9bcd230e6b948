// Where everything sits on the topology canvas, computed rather than measured: host groups in a
// grid, replica chips in a grid inside each group, the links between services and chips, and
// which host group a pointer is over. Knowing every position without asking the DOM is what keeps
// a 1,000-replica topology smooth while dragging.

export interface ChipMetrics {
  w: number;
  h: number;
  gap: number;
  /** Chips with a label (service and slot); compact chips are coloured squares only. */
  labelled: boolean;
}

export const CHIP_NORMAL: ChipMetrics = { w: 92, h: 22, gap: 4, labelled: true };
export const CHIP_COMPACT: ChipMetrics = { w: 14, h: 14, gap: 3, labelled: false };

export const GROUP = {
  /** Space around the grid. */
  margin: 16,
  gap: 12,
  minWidth: 248,
  maxWidth: 440,
  padX: 12,
  /** Name, state, capacity bars and the ingress's rate above the chips. */
  header: 104,
  padBottom: 12,
} as const;

/** Labelled chips while they stay readable; squares for dense clusters. */
export function chooseChips(maxReplicasPerHost: number, totalReplicas: number): ChipMetrics {
  return maxReplicasPerHost > 24 || totalReplicas > 240 ? CHIP_COMPACT : CHIP_NORMAL;
}

export interface GroupBox {
  name: string;
  x: number;
  y: number;
  w: number;
  h: number;
  /** Chips per row inside this group. */
  perRow: number;
}

export interface HostsLayout {
  groups: GroupBox[];
  byName: Map<string, GroupBox>;
  width: number;
  height: number;
  chip: ChipMetrics;
}

export function layoutHosts(hosts: ReadonlyArray<{ name: string; replicas: number }>, width: number, chip: ChipMetrics): HostsLayout {
  const inner = Math.max(GROUP.minWidth, width - 2 * GROUP.margin);
  const fit = Math.max(1, Math.floor((inner + GROUP.gap) / (GROUP.minWidth + GROUP.gap)));
  const columns = Math.max(1, Math.min(fit, hosts.length));
  const w = Math.floor(Math.min(GROUP.maxWidth, (inner - (columns - 1) * GROUP.gap) / columns));
  const perRow = Math.max(1, Math.floor((w - 2 * GROUP.padX + chip.gap) / (chip.w + chip.gap)));

  const groups: GroupBox[] = [];
  let y = GROUP.margin;
  for (let start = 0; start < hosts.length; start += columns) {
    const row = hosts.slice(start, start + columns);
    const h = Math.max(...row.map((host) => groupHeight(host.replicas, perRow, chip)));
    row.forEach((host, column) => {
      groups.push({ name: host.name, x: GROUP.margin + column * (w + GROUP.gap), y, w, h, perRow });
    });
    y += h + GROUP.gap;
  }
  const height = hosts.length === 0 ? 0 : y - GROUP.gap + GROUP.margin;
  return { groups, byName: new Map(groups.map((g) => [g.name, g])), width, height, chip };
}

function groupHeight(replicas: number, perRow: number, chip: ChipMetrics): number {
  const rows = Math.max(1, Math.ceil(replicas / perRow));
  return GROUP.header + rows * (chip.h + chip.gap) - chip.gap + GROUP.padBottom;
}

/** A chip's top-left corner inside its group. */
export function chipOffset(group: Pick<GroupBox, 'perRow'>, index: number, chip: ChipMetrics): { x: number; y: number } {
  return {
    x: GROUP.padX + (index % group.perRow) * (chip.w + chip.gap),
    y: GROUP.header + Math.floor(index / group.perRow) * (chip.h + chip.gap),
  };
}

// ---------------------------------------------------------------- links

export interface Point {
  x: number;
  y: number;
}

/**
 * Where a link reaches a chip: the middle of its top edge, coming down from the gutter above its
 * row (the gap between that row and the one above, or the foot of the group's header). Canvas
 * coordinates.
 */
export interface LinkEnd {
  x: number;
  top: number;
  gutter: number;
}

/** The trunk every link runs down: the canvas's left margin, where no group (and so no chip) is. */
export const LANE_X = GROUP.margin / 2;

export function linkEnd(box: Pick<GroupBox, 'x' | 'y' | 'perRow'>, index: number, chip: ChipMetrics): LinkEnd {
  const at = chipOffset(box, index, chip);
  const top = box.y + at.y;
  return { x: box.x + at.x + chip.w / 2, top, gutter: top - chip.gap / 2 };
}

/**
 * One link as a polyline, routed so it passes over no chip: from the service along its row to the
 * lane, down the lane to the gutter above the chip's row, along the gutter (groups side by side
 * share their rows, so it is a gutter in each), then down into the chip's top edge. Lines run in
 * the gaps between chips instead of over them, and none ends hidden behind another chip.
 */
export function linkRoute(from: Point, end: LinkEnd): Point[] {
  return [from, { x: LANE_X, y: from.y }, { x: LANE_X, y: end.gutter }, { x: end.x, y: end.gutter }, { x: end.x, y: end.top }];
}

/**
 * One service's links as one `d`, drawn as the tree their routes make (linkRoute): the run to the
 * lane and the lane once, each gutter once up to its farthest chip, then a short drop per chip.
 * Fewer and shorter commands than a curve per chip. Chips far outside the visible band
 * (`minY`..`maxY`, screen) are left out, so a long canvas costs only what is on screen. `from` is
 * in canvas coordinates; `offset` moves the canvas onto the screen.
 */
export function servicePaths(from: Point, ends: readonly LinkEnd[], minY: number, maxY: number, offset: Point = { x: 0, y: 0 }): string {
  const r = (n: number) => Math.round(n * 10) / 10;
  const farthest = new Map<number, number>();
  let drops = '';
  let low = from.y;
  let high = from.y;
  for (const end of ends) {
    const top = end.top + offset.y;
    if (top < minY || top > maxY) continue;
    const reach = farthest.get(end.gutter);
    if (reach === undefined || end.x > reach) farthest.set(end.gutter, end.x);
    if (end.gutter < low) low = end.gutter;
    if (end.gutter > high) high = end.gutter;
    drops += `M${r(end.x + offset.x)} ${r(end.gutter + offset.y)}V${r(top)}`;
  }
  if (farthest.size === 0) return '';
  const lane = r(LANE_X + offset.x);
  let d = `M${r(from.x + offset.x)} ${r(from.y + offset.y)}H${lane}M${lane} ${r(low + offset.y)}V${r(high + offset.y)}`;
  for (const [gutter, x] of farthest) d += `M${lane} ${r(gutter + offset.y)}H${r(x + offset.x)}`;
  return d + drops;
}

// ---------------------------------------------------------------- hit testing

export interface Rect {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export interface NamedRect extends Rect {
  name: string;
}

export function contains(rect: Rect, x: number, y: number): boolean {
  return x >= rect.left && x < rect.right && y >= rect.top && y < rect.bottom;
}

/** Host groups on screen, from the layout and where the canvas's top-left corner is now. */
export function screenRects(layout: Pick<HostsLayout, 'groups'>, origin: Point): NamedRect[] {
  return layout.groups.map((g) => ({
    name: g.name,
    left: origin.x + g.x,
    top: origin.y + g.y,
    right: origin.x + g.x + g.w,
    bottom: origin.y + g.y + g.h,
  }));
}

/** The host group under the pointer, if any; `visible` is the scrolling pane (a group scrolled out of it is not hit). */
export function hitHost(rects: readonly NamedRect[], visible: Rect, x: number, y: number): string | null {
  if (!contains(visible, x, y)) return null;
  for (const rect of rects) if (contains(rect, x, y)) return rect.name;
  return null;
}
