/**
 * A windowed list: of `count` rows of fixed height, only those in view (plus `overscan` on each
 * side) are in the DOM, positioned inside a spacer as tall as the whole list. No dependency: the
 * scroll position and the viewport's height are all it needs. Positions go through the CSSOM
 * (React's `style`), which the CSP's style-src 'self' allows; no inline style attribute is parsed.
 *
 * Browsers cap an element's height (about 33 million px in Chromium), so at 32 px a row the list
 * shows about a million rows; a longer log is narrowed with the filters.
 */
import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';

export interface VirtualListProps {
  readonly count: number;
  readonly rowHeight: number;
  readonly overscan?: number;
  /** Called with the first and last row index in view (plus overscan) whenever they change. */
  readonly onRange?: (first: number, last: number) => void;
  /** Scrolls once so that this row is in view, then calls onScrolled. */
  readonly scrollTo?: number | null;
  readonly onScrolled?: () => void;
  readonly renderRow: (index: number, top: number) => ReactNode;
  readonly className?: string;
  readonly label: string;
  readonly rowCount?: number;
}

export function VirtualList(props: VirtualListProps) {
  const { count, rowHeight, overscan = 8, onRange, scrollTo, onScrolled } = props;
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(0);

  useLayoutEffect(() => {
    const el = ref.current;
    if (el === null) return;
    setHeight(el.clientHeight);
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count - 1, Math.ceil((scrollTop + height) / rowHeight) + overscan);

  useEffect(() => {
    if (count > 0 && last >= first) onRange?.(first, last);
  }, [first, last, count, onRange]);

  useEffect(() => {
    const el = ref.current;
    if (scrollTo === null || scrollTo === undefined || el === null) return;
    const top = scrollTo * rowHeight;
    if (top < el.scrollTop || top + rowHeight > el.scrollTop + el.clientHeight) {
      el.scrollTop = Math.max(0, top - el.clientHeight / 2);
      setScrollTop(el.scrollTop);
    }
    onScrolled?.();
  }, [scrollTo, rowHeight, onScrolled]);

  const rows: ReactNode[] = [];
  for (let i = first; i <= last; i++) rows.push(props.renderRow(i, i * rowHeight));

  return (
    <div
      ref={ref}
      className={props.className}
      role="rowgroup"
      aria-label={props.label}
      data-testid="virtual-list"
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
    >
      <div className="vlist-spacer" style={{ height: count * rowHeight }}>
        {rows}
      </div>
    </div>
  );
}
