import type { ThemeChoice } from '../theme/theme.ts';
import { useTheme } from '../theme/use-theme.ts';
import { cx } from '../ui/cx.ts';
import { Icon, type IconName } from '../ui/icons.tsx';

const CHOICES: Array<{ choice: ThemeChoice; icon: IconName; label: string }> = [
  { choice: 'light', icon: 'sun', label: 'Light' },
  { choice: 'dark', icon: 'moon', label: 'Dark' },
  { choice: 'system', icon: 'monitor', label: 'Match the system' },
];

export function ThemeToggle() {
  const { choice, setChoice } = useTheme();
  return (
    <div
      role="radiogroup"
      aria-label="Theme"
      className="flex items-center rounded-md border border-zinc-200 bg-zinc-50 p-0.5 dark:border-zinc-800 dark:bg-zinc-900"
    >
      {CHOICES.map((option) => {
        const active = option.choice === choice;
        return (
          <button
            key={option.choice}
            type="button"
            role="radio"
            aria-checked={active}
            title={option.label}
            onClick={() => setChoice(option.choice)}
            className={cx(
              'rounded p-1.5 transition-colors',
              active
                ? 'bg-white text-zinc-900 shadow-xs dark:bg-zinc-700 dark:text-white'
                : 'text-zinc-500 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100',
            )}
          >
            <Icon name={option.icon} className="size-3.5" />
            <span className="sr-only">{option.label}</span>
          </button>
        );
      })}
    </div>
  );
}
