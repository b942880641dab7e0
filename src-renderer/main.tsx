import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App.js';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root');

if (typeof window.qtrust !== 'object' || window.qtrust === null) {
  // Opened outside the app (a plain browser, no preload): say so instead of failing silently.
  root.textContent = 'Q-Trust Desktop must be opened through the app: the secure bridge is not available.';
} else {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
