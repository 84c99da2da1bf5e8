import { SECTIONS, type SectionSpec } from '../sections/sections';
import { NotificationSetting } from './NotificationSetting';
import { ThemeToggle } from './ThemeToggle';

const SHORTCUT_KEY = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform) ? '⌘' : 'Ctrl+';

export function Sidebar({ active }: { active: SectionSpec['id'] }) {
  return (
    <nav className="sidebar" aria-label="Sections">
      <div className="brand">Alignment Workbench</div>
      {SECTIONS.map((candidate, index) => (
        <a
          key={candidate.id}
          href={`#/${candidate.id}`}
          className={candidate.id === active ? 'nav-item active' : 'nav-item'}
          aria-current={candidate.id === active ? 'page' : undefined}
          aria-keyshortcuts={`Control+${index + 1}`}
          title={`${candidate.title} (${SHORTCUT_KEY}${index + 1})`}
        >
          {candidate.title}
        </a>
      ))}
      <div className="sidebar-settings">
        <ThemeToggle />
        <NotificationSetting />
      </div>
    </nav>
  );
}
