/**
 * The preload script: runs sandboxed, with context isolation. It exposes exactly the contract's
 * methods as `window.qtrust`, built by the same createClient the tests use; raw ipcRenderer is
 * never exposed, so the page can call no channel the contract does not name.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createClient } from '../../src-shared/ipc/client.js';

contextBridge.exposeInMainWorld(
  'qtrust',
  createClient((channel, request) => ipcRenderer.invoke(channel, request)),
);
