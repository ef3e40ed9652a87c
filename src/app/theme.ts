/**
 * Light and dark themes: the system preference by default, a toggle that persists in
 * localStorage. index.html applies the theme before first paint.
 */
import { useSyncExternalStore } from 'react';

export type Theme = 'light' | 'dark';
const KEY = 'theme';
const listeners = new Set<() => void>();

export function currentTheme(): Theme {
  return document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light';
}

export function setTheme(t: Theme): void {
  document.documentElement.dataset.theme = t;
  try {
    localStorage.setItem(KEY, t);
  } catch {
    // Storage can be unavailable (private mode, blocked): the theme still applies for this visit.
  }
  for (const l of listeners) l();
}

export function useTheme(): Theme {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      const mq = window.matchMedia('(prefers-color-scheme: dark)');
      const onSystem = () => {
        let saved: string | null = null;
        try {
          saved = localStorage.getItem(KEY);
        } catch {
          /* unavailable storage means no saved choice */
        }
        if (saved !== 'light' && saved !== 'dark') {
          document.documentElement.dataset.theme = mq.matches ? 'dark' : 'light';
          l();
        }
      };
      mq.addEventListener('change', onSystem);
      return () => {
        listeners.delete(l);
        mq.removeEventListener('change', onSystem);
      };
    },
    currentTheme,
  );
}
