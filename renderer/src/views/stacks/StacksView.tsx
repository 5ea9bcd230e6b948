// Stacks: what runs (each stack's services, live), and a Compose editor to deploy a new stack or
// change one: open or paste a file, Plan (validate and preview, change nothing), Apply (deploy
// and follow the services until they converge). Problems point at their lines.
import { useMemo, useRef, useState, type ChangeEvent } from 'react';
import type { StackApplyParams } from '../../../../shared/api.ts';
import { useApi, useCluster, useConnection } from '../../state/app-state.tsx';
import { asBatonError } from '../../state/baton-error.ts';
import { Button, Spinner } from '../../ui/Button.tsx';
import { cx } from '../../ui/cx.ts';
import { LoadFailed } from '../../ui/ErrorNote.tsx';
import { TextAreaField, TextField } from '../../ui/Field.tsx';
import { Icon } from '../../ui/icons.tsx';
import {
  composeName,
  defaultStackName,
  PASTED_FILE,
  parseVariables,
  problemsOfError,
  problemsOfWarnings,
  referencedVariables,
  stackNameProblem,
} from './compose-draft.ts';
import { ComposeEditor, type ComposeEditorHandle } from './ComposeEditor.tsx';
import { DraftOutcomeView } from './DraftOutcome.tsx';
import { getDraft, resetDraft, updateDraft, useDraft, type Draft } from './draft-store.ts';
import { diagnosticRanges, type DiagnosticRange } from './editor-diagnostics.ts';
import { exampleCompose, exampleNote, type ExampleChoice } from './example-stack.ts';
import { StackList } from './StackList.tsx';
import { useExampleChoice } from './use-example-choice.ts';
import { useStackList } from './use-stack-list.ts';

const MAX_FILE_BYTES = 1024 * 1024;

export function StacksView() {
  const connection = useConnection();
  const { cluster } = useCluster();
  const list = useStackList();
  const connected = connection.status === 'connected';
  const example = useExampleChoice();

  return (
    <div className="flex flex-col gap-8 px-6 py-5">
      <section aria-labelledby="stacks-heading">
        <div className="mb-3 flex items-baseline gap-2">
          <h2 id="stacks-heading" className="text-[13px] font-semibold">
            Running stacks
          </h2>
          {list.stacks.length > 0 && <span className="text-xs text-zinc-500 tabular-nums">{list.stacks.length}</span>}
        </div>
        {list.status === 'loading' && connected ? (
          <div className="flex items-center gap-2 py-6 text-[13px] text-zinc-500">
            <Spinner /> Loading stacks…
          </div>
        ) : list.status === 'error' && list.error !== null ? (
          <LoadFailed error={list.error} title="Could not load the stacks" onRetry={list.refresh} retryDisabled={!connected} />
        ) : list.stacks.length === 0 ? (
          <NoStacks connected={connected} hasReadyHost={cluster.hosts.some((h) => h.state === 'ready')} example={example} />
        ) : (
          <StackList stacks={list.stacks} services={cluster.services} connected={connected} onRemoved={list.refresh} />
        )}
      </section>
      <DeploySection connected={connected} onApplied={list.refresh} example={example} />
    </div>
  );
}

function NoStacks({ connected, hasReadyHost, example }: { connected: boolean; hasReadyHost: boolean; example: ExampleChoice }) {
  const needsHost = connected && !hasReadyHost;
  return (
    <div className="flex items-center gap-4 rounded-lg border border-dashed border-zinc-300 px-5 py-4 dark:border-zinc-700">
      <div className="flex size-10 shrink-0 items-center justify-center rounded-lg bg-zinc-100 text-zinc-500 dark:bg-zinc-800/80 dark:text-zinc-400">
        <Icon name="layers" className="size-5" />
      </div>
      <div className="min-w-0 flex-1">
        <p className="text-[13px] font-medium">No stacks yet</p>
        <p className="text-[13px] text-zinc-600 dark:text-zinc-400">
          {!connected
            ? 'Your stacks appear here as soon as Baton is connected to its control plane.'
            : needsHost
              ? 'A stack is a Compose file Baton runs across your hosts, and there is no ready host yet: add one first, then paste or open a Compose file below.'
              : 'A stack is a Compose file Baton runs across your hosts. Paste or open one below, or start from the example.'}
        </p>
      </div>
      {needsHost ? (
        <a
          href="#/hosts"
          className="inline-flex h-8 shrink-0 items-center gap-1.5 rounded-md bg-indigo-600 px-3 text-[13px] font-medium text-white shadow-sm hover:bg-indigo-500 dark:bg-indigo-500 dark:hover:bg-indigo-400"
        >
          <Icon name="server" className="size-4" />
          Add a host
        </a>
      ) : (
        <Button icon="plus" onClick={() => insertExample(example)} title={exampleNote(example)}>
          Insert an example
        </Button>
      )}
    </div>
  );
}

function insertExample(example: ExampleChoice): void {
  updateDraft({ source: exampleCompose(example), fileName: PASTED_FILE, stackName: null, outcome: { kind: 'none' } });
}

const NO_DIAGNOSTICS: DiagnosticRange[] = [];

function applyParams(draft: Draft, dryRun: boolean): StackApplyParams {
  const stack = draft.stackName ?? defaultStackName(draft.source, draft.fileName);
  return { source: draft.source, file: draft.fileName, stack, env: parseVariables(draft.variables).env, dryRun };
}

/** The first line of a rejection ("2 problems in the stack file; nothing was applied:"). */
function headline(message: string): string {
  return message.split('\n')[0]!.replace(/:$/, '.');
}

function DeploySection({ connected, onApplied, example }: { connected: boolean; onApplied: () => void; example: ExampleChoice }) {
  const api = useApi();
  const { cluster } = useCluster();
  const draft = useDraft();
  const editor = useRef<ComposeEditorHandle>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const [fileProblem, setFileProblem] = useState<string | null>(null);
  const outcomeBox = useRef<HTMLDivElement>(null);

  const derivedName = defaultStackName(draft.source, draft.fileName);
  const stackName = draft.stackName ?? derivedName;
  const nameProblem = draft.source.trim() === '' ? null : stackNameProblem(stackName);
  const variables = parseVariables(draft.variables);
  const used = useMemo(() => referencedVariables(draft.source), [draft.source]);
  const outcome = draft.outcome;
  const stale = 'source' in outcome && outcome.source !== draft.source;

  // placed on the text they were reported for, and the editor keeps them on it while it is edited;
  // made when the outcome comes or the editor mounts, where a draft edited since (the view left and
  // opened again) gets none: where they were is known no more (the list beside it says they are old)
  const diagnostics = useMemo(() => {
    if ('source' in outcome && outcome.source !== getDraft().source) return NO_DIAGNOSTICS;
    if (outcome.kind === 'problems') return diagnosticRanges(outcome.source, outcome.problems);
    if (outcome.kind === 'plan' || outcome.kind === 'applied') return diagnosticRanges(outcome.source, problemsOfWarnings(outcome.plan.warnings, draft.fileName));
    return NO_DIAGNOSTICS;
  }, [outcome, draft.fileName]);

  const canRun = connected && draft.busy === null && draft.source.trim() !== '' && nameProblem === null && variables.problems.length === 0;

  const run = async (kind: 'plan' | 'apply'): Promise<void> => {
    const params = applyParams(getDraft(), kind === 'plan');
    updateDraft({ busy: kind });
    try {
      const plan = await api.call('stack.apply', params);
      updateDraft({ busy: null, outcome: { kind: kind === 'plan' ? 'plan' : 'applied', plan, source: params.source } });
      if (kind === 'apply') onApplied();
    } catch (err) {
      const error = asBatonError(err);
      const problems = problemsOfError(error, params.file);
      updateDraft({
        busy: null,
        outcome: problems === null ? { kind: 'error', error } : { kind: 'problems', problems, summary: headline(error.message), source: params.source },
      });
      const first = problems?.find((p) => p.line > 0);
      if (first !== undefined) requestAnimationFrame(() => editor.current?.revealLine(first.line, first.column, false));
    }
    requestAnimationFrame(() => outcomeBox.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' }));
  };

  const openFile = (event: ChangeEvent<HTMLInputElement>): void => {
    const file = event.target.files?.[0];
    event.target.value = ''; // the same file can be opened again after editing
    if (file === undefined) return;
    if (file.size > MAX_FILE_BYTES) {
      setFileProblem(`${file.name} is ${Math.round(file.size / 1024)} KiB: a Compose file this large is surely not one. Pick the stack's compose.yaml.`);
      return;
    }
    const reader = new FileReader();
    reader.onload = () => {
      setFileProblem(null);
      updateDraft({ source: String(reader.result ?? ''), fileName: file.name, stackName: null, outcome: { kind: 'none' } });
      editor.current?.focus();
    };
    reader.onerror = () => setFileProblem(`Could not read ${file.name}: ${reader.error?.message ?? 'the browser refused'}. Try again, or paste its text.`);
    reader.readAsText(file);
  };

  return (
    <section aria-labelledby="deploy-heading">
      <div className="mb-3 flex flex-wrap items-center gap-2">
        <h2 id="deploy-heading" className="mr-auto text-[13px] font-semibold">
          Deploy a Compose file
        </h2>
        <label
          className={cx(
            'inline-flex h-8 cursor-pointer items-center gap-1.5 rounded-md border border-zinc-300 bg-white px-3 text-[13px] font-medium text-zinc-800 shadow-xs hover:bg-zinc-50',
            'has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-indigo-500',
            'dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800',
          )}
        >
          <input
            ref={fileInput}
            type="file"
            aria-label="Open a Compose file"
            accept=".yaml,.yml,application/yaml,application/x-yaml,text/yaml,text/x-yaml"
            onChange={openFile}
            className="sr-only"
          />
          <Icon name="upload" className="size-4" />
          Open a file
        </label>
        <Button icon="plus" onClick={() => insertExample(example)} disabled={draft.busy !== null} title={exampleNote(example)}>
          Example
        </Button>
        <Button
          variant="ghost"
          disabled={draft.source === '' && draft.variables === ''}
          onClick={() => {
            resetDraft();
            setFileProblem(null);
          }}
        >
          <Icon name="eraser" className="size-4" />
          Clear
        </Button>
      </div>
      {fileProblem !== null && (
        <p role="alert" className="mb-3 text-[13px] text-red-600 dark:text-red-400">
          {fileProblem}
        </p>
      )}

      <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_22rem]">
        <div className="flex min-w-0 flex-col">
          <div className="mb-1.5 flex items-center gap-2 text-xs text-zinc-500 dark:text-zinc-400">
            <Icon name="file" className="size-3.5" />
            <span className="font-mono">{draft.fileName}</span>
            {draft.source !== '' && <span className="ml-auto tabular-nums">{draft.source.split('\n').length} lines</span>}
          </div>
          <ComposeEditor
            ref={editor}
            value={draft.source}
            onChange={(source) => updateDraft({ source })}
            diagnostics={diagnostics}
            className="h-[30rem]"
            empty={
              <div className="max-w-sm text-center">
                <p className="text-[13px] font-medium text-zinc-700 dark:text-zinc-300">Paste a Compose file here</p>
                <p className="mt-1 text-xs leading-relaxed text-zinc-500">
                  The services, deploy, healthcheck… you already have. Baton says, with the line, anything it does not support.
                </p>
                <div className="pointer-events-auto mt-4 flex justify-center gap-2">
                  <Button onClick={() => fileInput.current?.click()}>
                    <Icon name="upload" className="size-4" />
                    Open a file
                  </Button>
                  <Button icon="plus" onClick={() => insertExample(example)}>
                    Insert an example
                  </Button>
                </div>
                <p data-testid="example-note" className="mt-3 text-xs leading-relaxed text-zinc-500">
                  {exampleNote(example)}
                </p>
              </div>
            }
          />
        </div>

        <div className="flex min-w-0 flex-col gap-4">
          <TextField
            label="Stack name"
            value={stackName}
            onChange={(e) => updateDraft({ stackName: e.target.value })}
            placeholder="my-app"
            spellCheck={false}
            autoComplete="off"
            inputClassName="font-mono"
            problem={nameProblem}
            hint={
              draft.stackName !== null && draft.stackName !== derivedName && derivedName !== ''
                ? `Instead of "${derivedName}" from the file.`
                : composeName(draft.source) !== null
                  ? 'From name: in the file.'
                  : draft.fileName !== PASTED_FILE && derivedName !== ''
                    ? 'From the file name.'
                    : 'Applying to an existing stack updates it.'
            }
          />
          <div>
            <TextAreaField
              label="Variables"
              note="for ${VAR} in the file"
              value={draft.variables}
              onChange={(e) => updateDraft({ variables: e.target.value })}
              rows={3}
              placeholder={'TAG=1.4.2\nDB_HOST=db.internal'}
              spellCheck={false}
              inputClassName="font-mono text-[12.5px]"
              problem={variables.problems[0]?.message}
              hint="Kept in this window only, never saved."
            />
            {used.length > 0 && (
              <div className="mt-2 flex flex-wrap gap-1">
                {used.map((v) => {
                  const set = Object.hasOwn(variables.env, v.name);
                  const missing = !set && !v.hasDefault;
                  return (
                    <span
                      key={v.name}
                      title={set ? 'set' : v.hasDefault ? 'not set: the file gives a default' : 'not set: it becomes an empty string'}
                      className={cx(
                        'inline-flex items-center gap-1 rounded px-1.5 py-px font-mono text-[11px]',
                        missing
                          ? 'bg-amber-100 text-amber-800 dark:bg-amber-500/15 dark:text-amber-300'
                          : 'bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400',
                      )}
                    >
                      {set && <Icon name="check" className="size-3" />}
                      {v.name}
                      {missing && ' missing'}
                    </span>
                  );
                })}
              </div>
            )}
          </div>
          <div className="flex gap-2">
            <Button className="flex-1" icon="search" busy={draft.busy === 'plan'} disabled={!canRun} onClick={() => void run('plan')}>
              Plan
            </Button>
            <Button className="flex-1" variant="primary" icon="check" busy={draft.busy === 'apply'} disabled={!canRun} onClick={() => void run('apply')}>
              Apply
            </Button>
          </div>
          {!connected && <p className="-mt-2 text-xs text-zinc-500">Plan and Apply wait for the control plane.</p>}
          <div ref={outcomeBox} className="min-h-0 scroll-mb-4 border-t border-zinc-200 pt-4 dark:border-zinc-800">
            <DraftOutcomeView
              outcome={outcome}
              fileName={draft.fileName}
              stale={stale}
              services={cluster.services}
              onJump={(line, column) => editor.current?.revealLine(line, column)}
            />
          </div>
        </div>
      </div>
    </section>
  );
}
