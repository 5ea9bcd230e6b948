import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createTransport, planTransport } from './api/select-transport.ts';
import { App } from './app/App.tsx';
import { AppStateProvider } from './state/app-state.tsx';
import { applyInitialTheme } from './theme/use-theme.ts';
import './styles.css';

applyInitialTheme();

const bridge = window.baton;
const transport = createTransport(planTransport(window.location.search, bridge !== undefined, window.location), bridge, undefined, window.sessionStorage);

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root');
createRoot(container).render(
  <StrictMode>
    <AppStateProvider api={transport}>
      <App />
    </AppStateProvider>
  </StrictMode>,
);
