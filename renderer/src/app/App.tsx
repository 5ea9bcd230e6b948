import { useEffect, useRef, useState } from 'react';
import { isTypingTarget } from '../ui/keyboard.ts';
import { ConnectionBanner, ConnectionPill } from './ConnectionStatus.tsx';
import { useRoute } from './route.ts';
import { findViewFilter, INITIAL_SHORTCUT_STATE, interpretKey } from './shortcuts.ts';
import { ShortcutsDialog } from './ShortcutsDialog.tsx';
import { Sidebar } from './Sidebar.tsx';
import { ThemeToggle } from './ThemeToggle.tsx';
import { findView, type ViewId } from './views.tsx';

export function App() {
  const [current, navigate] = useRoute();
  const view = findView(current);
  const [helpOpen, setHelpOpen] = useState(false);
  useShortcuts(navigate, helpOpen, setHelpOpen);

  return (
    <div className="flex h-screen overflow-hidden bg-white text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
      <Sidebar current={current} onNavigate={navigate} onShowShortcuts={() => setHelpOpen(true)} />
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex h-14 shrink-0 items-center justify-between border-b border-zinc-200 px-6 dark:border-zinc-800">
          <h1 className="text-[15px] font-semibold tracking-tight">{view?.title}</h1>
          <div className="flex items-center gap-3">
            <ConnectionPill />
            <ThemeToggle />
          </div>
        </header>
        <ConnectionBanner />
        <main className="min-h-0 flex-1 overflow-auto">{view?.render()}</main>
      </div>
      {helpOpen && <ShortcutsDialog onClose={() => setHelpOpen(false)} />}
    </div>
  );
}

/**
 * The app's keys, listened to in the capture phase so a dialog closed by Esc is handled here first
 * (the event is then marked handled and views leave it alone).
 */
function useShortcuts(navigate: (view: ViewId) => void, helpOpen: boolean, setHelpOpen: (open: boolean) => void): void {
  const state = useRef(INITIAL_SHORTCUT_STATE);
  const latest = useRef({ navigate, helpOpen, setHelpOpen });
  latest.current = { navigate, helpOpen, setHelpOpen };

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.defaultPrevented || event.isComposing) return;
      const press = { key: event.key, ctrlKey: event.ctrlKey, metaKey: event.metaKey, altKey: event.altKey, typing: isTypingTarget(event.target) };
      const result = interpretKey(state.current, press, performance.now());
      state.current = result.state;
      const { navigate: go, helpOpen: open, setHelpOpen: setOpen } = latest.current;
      switch (result.action.kind) {
        case 'navigate':
          event.preventDefault();
          setOpen(false);
          go(result.action.view);
          break;
        case 'help':
          event.preventDefault();
          setOpen(!open);
          break;
        case 'focus-filter': {
          if (open) break;
          const filter = findViewFilter(document);
          if (filter === null) break;
          event.preventDefault(); // the "/" must not land in the field
          filter.focus();
          filter.select();
          break;
        }
        case 'escape':
          if (open) {
            event.preventDefault();
            setOpen(false);
          }
          break;
        case 'leader':
        case 'none':
          break;
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);
}
