import { useEffect } from 'react';
import { sectionById } from '../sections.js';
import { loadAppInfo } from '../store/actions.js';
import { useStore } from '../store/index.js';
import { AboutBuild } from './AboutBuild.js';
import { CeremoniesView } from './CeremoniesView.js';
import { EmptyState } from './EmptyState.js';
import { EvidenceView } from './EvidenceView.js';
import { Header } from './Header.js';
import { PoliciesSection } from './PoliciesSection.js';
import { SettingsView } from './SettingsView.js';
import { Sidebar } from './Sidebar.js';
import { VerifyView } from './VerifyView.js';

export function App() {
  const sectionId = useStore((s) => s.section);
  const section = sectionById(sectionId);

  useEffect(() => {
    void loadAppInfo();
  }, []);

  return (
    <div className="app">
      <button type="button" className="skip-link" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <Header />
      <div className="body">
        <Sidebar />
        <main id="main" className="content" tabIndex={-1} aria-labelledby="section-title">
          <h1 id="section-title" className="section-title">
            {section.label}
          </h1>
          {section.id === 'about' ? (
            <AboutBuild />
          ) : section.id === 'evidence' ? (
            <EvidenceView />
          ) : section.id === 'verify' ? (
            <VerifyView />
          ) : section.id === 'policies' ? (
            <PoliciesSection section={section} />
          ) : section.id === 'ceremonies' ? (
            <CeremoniesView />
          ) : section.id === 'settings' ? (
            <SettingsView />
          ) : (
            <EmptyState section={section} />
          )}
        </main>
      </div>
    </div>
  );
}
