import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RpcProvider } from './api/hooks';
import { App } from './app';
import './styles.css';

// Browser mode opens with ?token=<per-launch token>; the host has already turned it into an HttpOnly cookie.
// Drop it from the address bar so it is not left in history, screenshots or a copied URL.
if (new URLSearchParams(window.location.search).has('token')) {
  window.history.replaceState(null, '', window.location.pathname + window.location.hash);
}

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');

createRoot(root).render(
  <StrictMode>
    <RpcProvider>
      <App />
    </RpcProvider>
  </StrictMode>,
);
