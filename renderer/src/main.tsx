import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RpcProvider } from './api/hooks';
import { adoptLaunchToken } from './api/http';
import { App } from './app';
import { boot } from './boot';
import './styles.css';

// Browser mode opens with ?token=<per-launch token>: keep it for this tab and drop it from the address bar.
adoptLaunchToken();

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');

// the current screen's code and the shell's first requests start now, alongside React's first render
const { transport, client } = boot();

createRoot(root).render(
  <StrictMode>
    <RpcProvider transport={transport} client={client}>
      <App />
    </RpcProvider>
  </StrictMode>,
);
