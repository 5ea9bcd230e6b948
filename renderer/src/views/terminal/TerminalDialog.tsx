// A terminal in a replica: xterm.js over the control plane's `exec` stream (whatever transport the
// app is on). Keystrokes and the terminal's size go up as the stream's input; the end (the command
// exited, the replica stopped, the link dropped) is written into the terminal, and it stays open to
// be read. Copy and paste: select to copy with Ctrl+Shift+C, paste with Ctrl+Shift+V (or the browser's own).
import { useEffect, useRef, useState } from 'react';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import type { BatonError } from '../../../../shared/errors.ts';
import { useApi } from '../../state/app-state.tsx';
import { Dialog } from '../../ui/Dialog.tsx';
import { adoptStyles } from './adopted-styles.ts';
import { clipboardKey, inputPieces } from './terminal-input.ts';

export interface TerminalDialogProps {
  replica: string;
  onClose: () => void;
}

type Status = { kind: 'open' } | { kind: 'ended'; reason: string } | { kind: 'failed'; error: BatonError };

export function TerminalDialog({ replica, onClose }: TerminalDialogProps) {
  const api = useApi();
  const host = useRef<HTMLDivElement>(null);
  const [status, setStatus] = useState<Status>({ kind: 'open' });

  useEffect(() => {
    const element = host.current;
    if (element === null) return;
    const unadopt = adoptStyles(document);
    const term = new Terminal({ cursorBlink: true, fontSize: 13, fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace', scrollback: 5000 });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(element);
    fit.fit();
    const control = api.stream(
      'exec',
      { replica, cols: term.cols, rows: term.rows },
      {
        chunk(chunk) {
          if ('output' in chunk) term.write(chunk.output);
          else {
            term.write(`\r\n\x1b[2m${chunk.exit.reason}\x1b[0m\r\n`);
            setStatus({ kind: 'ended', reason: chunk.exit.reason });
          }
        },
        end(error) {
          if (error) {
            term.write(`\r\n\x1b[31m${error.message}\x1b[0m\r\n`);
            setStatus({ kind: 'failed', error });
          }
        },
      },
    );
    const send = (data: string): void => {
      for (const piece of inputPieces(data)) control.send({ data: piece });
    };
    const typed = term.onData(send);
    const resized = term.onResize(({ cols, rows }) => control.send({ resize: { cols, rows } }));
    term.attachCustomKeyEventHandler((event) => {
      const key = clipboardKey(event);
      if (key === 'copy') {
        const selected = term.getSelection();
        if (selected) void navigator.clipboard?.writeText(selected);
        return false;
      }
      if (key === 'paste') {
        void navigator.clipboard?.readText().then((text) => term.paste(text));
        return false;
      }
      return true;
    });
    const observer = new ResizeObserver(() => fit.fit());
    observer.observe(element);
    term.focus();
    return () => {
      observer.disconnect();
      typed.dispose();
      resized.dispose();
      control();
      term.dispose();
      unadopt();
    };
  }, [api, replica]);

  return (
    <Dialog
      label={`Terminal: ${replica}`}
      description={status.kind === 'open' ? 'Ctrl+Shift+C copies the selection, Ctrl+Shift+V pastes.' : status.kind === 'ended' ? status.reason : status.error.message}
      onClose={onClose}
      className="w-[min(64rem,95vw)]"
    >
      <div ref={host} data-testid="terminal" className="h-[60vh] min-h-64 w-full overflow-hidden rounded-md bg-black p-1" />
    </Dialog>
  );
}
