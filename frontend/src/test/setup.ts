import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach, beforeEach } from 'vitest';
import { api, resetAuthRefreshState } from '@/api/client';
import { useAuthStore } from '@/stores/authStore';
import { installDialogStandIn } from '@/test/dialog';

installDialogStandIn();

// The default second for findBy/waitFor is too short for a lazy page's first import when the
// machine's cores are busy with other suites; a wait ends as soon as its condition holds.
configure({ asyncUtilTimeout: 5000 });

beforeEach(() => {
  // No test may reach a real network: an unmocked call fails loudly.
  api.defaults.adapter = (config) =>
    Promise.reject(new Error(`Unmocked request: ${config.method?.toUpperCase()} ${config.url}`));
});

afterEach(() => {
  cleanup();
  localStorage.clear();
  useAuthStore.setState(useAuthStore.getInitialState(), true);
  resetAuthRefreshState();
});

// Charts size themselves with ResizeObserver, which jsdom does not implement.
if (typeof globalThis.ResizeObserver === 'undefined') {
  globalThis.ResizeObserver = class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
}
