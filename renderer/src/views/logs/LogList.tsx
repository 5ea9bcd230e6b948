// The lines, windowed: every line is one row of the same height (no wrapping), so only the rows in
// view (and a few around) are in the page, whatever the buffer holds. A chatty service then costs
// a few dozen rows per update, not thousands.
import { memo, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { cx } from '../../ui/cx.ts';
import { trimmedFromFront, type ShownLine } from './log-buffer.ts';
import { formatLogTime, replicaColorIndex, replicaLabel } from './log-format.ts';

const ROW = 20; // px; matches leading-5
const PAD = 8; // px above the first row and below the last
const OVERSCAN = 20;

const REPLICA_COLORS = [
  'text-sky-600 dark:text-sky-400',
  'text-violet-600 dark:text-violet-400',
  'text-emerald-600 dark:text-emerald-400',
  'text-amber-600 dark:text-amber-400',
  'text-pink-600 dark:text-pink-400',
  'text-cyan-600 dark:text-cyan-400',
  'text-lime-600 dark:text-lime-400',
  'text-orange-600 dark:text-orange-400',
];

export function LogList({
  lines,
  showReplica,
  follow,
  onScrolledUp,
  label,
}: {
  lines: readonly ShownLine[];
  showReplica: boolean;
  /** Keep the newest line in view. */
  follow: boolean;
  /** The person scrolled away from the newest line. */
  onScrolledUp: () => void;
  label: string;
}) {
  const pane = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const previous = useRef(lines);
  const total = PAD * 2 + lines.length * ROW;

  useEffect(() => {
    const el = pane.current;
    if (el === null) return;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useLayoutEffect(() => {
    const el = pane.current;
    const before = previous.current;
    previous.current = lines;
    if (el === null) return;
    if (follow) {
      el.scrollTop = el.scrollHeight;
    } else if (before !== lines && before.length > 0) {
      // lines trimmed off the top: keep the ones being read where they are
      const gone = trimmedFromFront(before, lines);
      if (gone > 0 && gone < before.length) el.scrollTop = Math.max(0, el.scrollTop - gone * ROW);
    }
    setScrollTop(el.scrollTop);
  }, [lines, follow]);

  const top = follow ? Math.max(0, total - height) : scrollTop;
  const first = Math.max(0, Math.floor((top - PAD) / ROW) - OVERSCAN);
  const last = Math.min(lines.length, Math.ceil((top + height) / ROW) + OVERSCAN);

  return (
    <div
      ref={pane}
      role="log"
      aria-label={label}
      onScroll={(e) => {
        const el = e.currentTarget;
        setScrollTop(el.scrollTop);
        if (follow && el.scrollHeight - el.scrollTop - el.clientHeight > 48) onScrolledUp();
      }}
      className="min-h-0 flex-1 overflow-auto bg-zinc-50/60 font-mono text-[12px] leading-5 select-text [contain:strict] dark:bg-zinc-950"
    >
      <div className="relative min-w-max" style={{ height: total }}>
        <div className="absolute inset-x-0" style={{ top: PAD + first * ROW }}>
          {lines.slice(first, last).map((line) => (
            <Row key={line.seq} line={line} showReplica={showReplica} />
          ))}
        </div>
      </div>
    </div>
  );
}

const Row = memo(function Row({ line, showReplica }: { line: ShownLine; showReplica: boolean }) {
  return (
    <div data-testid="log-line" data-stream={line.stream} className="h-5 px-6 whitespace-pre hover:bg-zinc-100 dark:hover:bg-zinc-900">
      <time dateTime={line.time} title={line.time} className="inline-block w-[6.75rem] text-zinc-400 tabular-nums select-none dark:text-zinc-600">
        {formatLogTime(line.time)}
      </time>
      {showReplica && (
        <span
          title={`${line.replica} on ${line.host}`}
          className={cx('inline-block w-20 truncate align-top select-none', REPLICA_COLORS[replicaColorIndex(line.replica, REPLICA_COLORS.length)])}
        >
          {replicaLabel(line.replica)}
        </span>
      )}
      <span className={line.stream === 'stderr' ? 'text-red-600 dark:text-red-400' : 'text-zinc-800 dark:text-zinc-200'}>{line.text}</span>
    </div>
  );
});
