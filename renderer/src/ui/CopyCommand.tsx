import { useEffect, useState } from 'react';
import { Icon } from './icons.tsx';

/** A shell command with a copy button. */
export function CopyCommand({ command }: { command: string }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(timer);
  }, [copied]);

  const copy = (): void => {
    navigator.clipboard.writeText(command).then(
      () => setCopied(true),
      () => setCopied(false), // no clipboard permission: the command is still there to select
    );
  };

  return (
    <div className="group flex items-center gap-2 rounded-md border border-zinc-200 bg-zinc-50 py-1.5 pr-1.5 pl-3 font-mono text-[13px] text-zinc-800 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-200">
      <span className="text-zinc-400 select-none dark:text-zinc-500">$</span>
      <code className="min-w-0 flex-1 truncate select-all">{command}</code>
      <button
        type="button"
        onClick={copy}
        title="Copy to clipboard"
        className="rounded p-1.5 text-zinc-500 hover:bg-zinc-200 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100"
      >
        <Icon name={copied ? 'check' : 'copy'} className="size-3.5" />
        <span className="sr-only">{copied ? 'Copied' : 'Copy'}</span>
      </button>
    </div>
  );
}
