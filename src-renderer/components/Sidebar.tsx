import { useRef, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { SECTIONS } from '../sections.js';
import { useStore } from '../store/index.js';

/**
 * The section list: a <nav> of real buttons, so Tab reaches each one and Enter/Space activate
 * it. Arrow keys, Home and End move focus within the list as a convenience.
 */
export function Sidebar() {
  const { section, showSection } = useStore(
    useShallow((s) => ({ section: s.section, showSection: s.showSection })),
  );
  const listRef = useRef<HTMLUListElement>(null);

  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    const buttons = Array.from(listRef.current?.querySelectorAll('button') ?? []);
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (index < 0) return;
    let next = -1;
    if (event.key === 'ArrowDown') next = (index + 1) % buttons.length;
    else if (event.key === 'ArrowUp') next = (index - 1 + buttons.length) % buttons.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = buttons.length - 1;
    if (next >= 0) {
      event.preventDefault();
      buttons[next]?.focus();
    }
  };

  return (
    <nav className="sidebar" aria-label="Sections">
      <ul ref={listRef} onKeyDown={onKeyDown}>
        {SECTIONS.map((s) => (
          <li key={s.id}>
            <button
              type="button"
              className={s.id === section ? 'nav-item active' : 'nav-item'}
              aria-current={s.id === section ? 'page' : undefined}
              data-section={s.id}
              onClick={() => showSection(s.id)}
            >
              {s.label}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
