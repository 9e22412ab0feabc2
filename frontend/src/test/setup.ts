import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach, beforeEach } from 'vitest';
import { api, resetAuthRefreshState } from '@/api/client';
import { useAuthStore } from '@/stores/authStore';

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
