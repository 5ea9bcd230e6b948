import { useCallback, useEffect, useState } from 'react';
import { applyTheme, browserStorage, readThemeChoice, resolveTheme, saveThemeChoice, type Theme, type ThemeChoice } from './theme.ts';

const DARK_QUERY = '(prefers-color-scheme: dark)';

export function useTheme(): { choice: ThemeChoice; theme: Theme; setChoice: (choice: ThemeChoice) => void } {
  const [choice, setChoiceState] = useState<ThemeChoice>(() => readThemeChoice(browserStorage()));
  const [systemDark, setSystemDark] = useState(() => window.matchMedia(DARK_QUERY).matches);

  useEffect(() => {
    const query = window.matchMedia(DARK_QUERY);
    const onChange = (): void => setSystemDark(query.matches);
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, []);

  const theme = resolveTheme(choice, systemDark);
  useEffect(() => applyTheme(document.documentElement, theme), [theme]);

  const setChoice = useCallback((next: ThemeChoice) => {
    saveThemeChoice(browserStorage(), next);
    setChoiceState(next);
  }, []);

  return { choice, theme, setChoice };
}

/** Before React's first render, so the first paint already has the right colours. */
export function applyInitialTheme(): void {
  const choice = readThemeChoice(browserStorage());
  applyTheme(document.documentElement, resolveTheme(choice, window.matchMedia(DARK_QUERY).matches));
}
