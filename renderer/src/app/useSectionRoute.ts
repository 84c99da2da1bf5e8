import { useEffect, useState } from 'react';
import { SECTIONS, type SectionSpec } from '../sections/sections';

/** The section is the hash's first segment: `#/runs/xyz` and `#/runs?bench` are the Runs section. */
export function sectionFromHash(hash: string): SectionSpec['id'] {
  const first = hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return SECTIONS.find((section) => section.id === first)?.id ?? 'wizard';
}

/** The active section, following the hash; Ctrl/Cmd+1…6 switch sections, like tabs in a browser. */
export function useSectionRoute(): SectionSpec['id'] {
  const [active, setActive] = useState(() => sectionFromHash(window.location.hash));
  useEffect(() => {
    const onHash = () => setActive(sectionFromHash(window.location.hash));
    const onKey = (event: KeyboardEvent) => {
      const target = SECTIONS[Number(event.key) - 1];
      if ((event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && target) {
        event.preventDefault();
        window.location.hash = `#/${target.id}`;
      }
    };
    window.addEventListener('hashchange', onHash);
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('hashchange', onHash);
      window.removeEventListener('keydown', onKey);
    };
  }, []);
  return active;
}
