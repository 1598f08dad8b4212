// React and the shell, loaded by the page's entry (main.tsx) once it has sent the first requests.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RpcProvider } from './api/hooks';
import type { Transport } from './api/transport';
import { App } from './app';
import { boot } from './boot';

export function start(sent: Transport): void {
  const root = document.getElementById('root');
  if (!root) throw new Error('#root missing from index.html');
  // the cache claims the requests already on their way, alongside React's first render
  const { transport, client } = boot(sent);
  createRoot(root).render(
    <StrictMode>
      <RpcProvider transport={transport} client={client}>
        <App />
      </RpcProvider>
    </StrictMode>,
  );
}
