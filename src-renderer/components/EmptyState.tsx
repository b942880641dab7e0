import type { Section } from '../sections.js';

export function EmptyState({ section }: { section: Section }) {
  return (
    <section
      className="panel empty-state"
      aria-labelledby={`title-${section.id}`}
      data-testid={`empty-${section.id}`}
    >
      <span className="empty-icon" aria-hidden="true" />
      <h2 id={`title-${section.id}`}>{section.title}</h2>
      <p>{section.empty}</p>
    </section>
  );
}
