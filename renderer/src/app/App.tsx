import { ConnectionBanner, ConnectionPill } from './ConnectionStatus.tsx';
import { useRoute } from './route.ts';
import { Sidebar } from './Sidebar.tsx';
import { ThemeToggle } from './ThemeToggle.tsx';
import { findView } from './views.tsx';

export function App() {
  const [current, navigate] = useRoute();
  const view = findView(current);

  return (
    <div className="flex h-screen overflow-hidden bg-white text-zinc-900 antialiased dark:bg-zinc-950 dark:text-zinc-100">
      <Sidebar current={current} onNavigate={navigate} />
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
    </div>
  );
}
