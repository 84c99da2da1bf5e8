import { useEffect, useState } from 'react';
import type { WorkbenchClient } from './client/client';
import { StatusBar } from './components/StatusBar';
import { useEngineInfo } from './hooks/useEngineInfo';
import { useEngineStatus } from './hooks/useEngineStatus';
import { EngineSection } from './sections/EngineSection';
import { SECTIONS, type SectionSpec } from './sections/sections';

function sectionFromHash(hash: string): SectionSpec['id'] {
  const id = hash.replace(/^#\/?/, '');
  return SECTIONS.find((section) => section.id === id)?.id ?? 'wizard';
}

export function App({ client }: { client: WorkbenchClient }) {
  const [active, setActive] = useState(() => sectionFromHash(window.location.hash));
  const statusView = useEngineStatus(client);
  const engineInfo = useEngineInfo(client, statusView.status);

  useEffect(() => {
    const onHash = () => setActive(sectionFromHash(window.location.hash));
    // Ctrl/Cmd+1…6 switch sections, like tabs in a browser.
    const onKey = (event: KeyboardEvent) => {
      const index = Number(event.key) - 1;
      if ((event.ctrlKey || event.metaKey) && SECTIONS[index]) {
        event.preventDefault();
        window.location.hash = `#/${SECTIONS[index].id}`;
      }
    };
    window.addEventListener('hashchange', onHash);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('hashchange', onHash);
      window.removeEventListener('keydown', onKey);
    };
  }, []);

  const section = SECTIONS.find((candidate) => candidate.id === active) ?? SECTIONS[0];
  return (
    <div className="app">
      <nav className="sidebar" aria-label="Sections">
        <div className="brand">Alignment Workbench</div>
        {SECTIONS.map((candidate, index) => (
          <a
            key={candidate.id}
            href={`#/${candidate.id}`}
            className={candidate.id === active ? 'nav-item active' : 'nav-item'}
            aria-current={candidate.id === active ? 'page' : undefined}
            title={`${candidate.title} (Ctrl+${index + 1})`}
          >
            {candidate.title}
          </a>
        ))}
      </nav>
      <main className="content" data-testid={`section-${section?.id}`}>
        <h1>{section?.title}</h1>
        <p className="purpose">{section?.purpose}</p>
        {section?.id === 'engine' ? (
          <EngineSection info={engineInfo.info} error={engineInfo.error} />
        ) : (
          <p className="not-yet">Not in this build yet: this section arrives with a later milestone.</p>
        )}
      </main>
      <StatusBar view={statusView} transport={client.transport} />
    </div>
  );
}
