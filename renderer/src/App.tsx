import { type ReactElement, useState } from 'react';
import { Sidebar } from './app/Sidebar';
import { Toasts } from './app/Toasts';
import { useRunNotices } from './app/useRunNotices';
import { useSectionRoute } from './app/useSectionRoute';
import type { WorkbenchClient } from './client/client';
import { StatusBar } from './components/StatusBar';
import { useEngineInfo } from './hooks/useEngineInfo';
import { useEngineStatus } from './hooks/useEngineStatus';
import { ChatSection } from './sections/ChatSection';
import { DataSection } from './sections/DataSection';
import { EngineSection } from './sections/EngineSection';
import { ModelsSection } from './sections/ModelsSection';
import { RunsSection } from './sections/RunsSection';
import { SECTIONS, type SectionSpec } from './sections/sections';
import { WizardSection } from './sections/WizardSection';

type BodyId = Exclude<SectionSpec['id'], 'engine' | 'chat'>;

const SECTION_BODIES: Record<BodyId, (props: { client: WorkbenchClient }) => ReactElement> = {
  wizard: WizardSection,
  data: DataSection,
  runs: RunsSection,
  models: ModelsSection,
};

/**
 * Chat stays mounted once opened, hidden while another section shows: answers still streaming and a round not yet
 * voted on survive a look at the Runs section.
 */
function useChatKept(active: SectionSpec['id']): boolean {
  const [kept, setKept] = useState(active === 'chat');
  if (active === 'chat' && !kept) setKept(true);
  return kept;
}

export function App({ client }: { client: WorkbenchClient }) {
  const active = useSectionRoute();
  const statusView = useEngineStatus(client);
  const engineInfo = useEngineInfo(client, statusView.status);
  const notices = useRunNotices(client);
  const chatKept = useChatKept(active);
  const section = SECTIONS.find((candidate) => candidate.id === active) ?? SECTIONS[0];
  const Body = section && section.id in SECTION_BODIES ? SECTION_BODIES[section.id as BodyId] : undefined;
  return (
    <div className="app">
      <Sidebar active={active} />
      <main className="content" data-testid={`section-${section?.id}`}>
        <h1>{section?.title}</h1>
        <p className="purpose">{section?.purpose}</p>
        {section?.id === 'engine' ? <EngineSection info={engineInfo.info} error={engineInfo.error} /> : null}
        {Body ? <Body client={client} /> : null}
        {chatKept ? (
          <div hidden={active !== 'chat'}>
            <ChatSection client={client} />
          </div>
        ) : null}
      </main>
      <Toasts toasts={notices.toasts} onDismiss={notices.dismiss} problem={notices.eventError} />
      <StatusBar view={statusView} transport={client.transport} />
    </div>
  );
}
