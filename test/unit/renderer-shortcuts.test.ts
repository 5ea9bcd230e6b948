// The app's keyboard shortcuts: `g` then a letter, `?`, `/`, Esc; never while typing or with a modifier.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findViewFilter, GO_KEYS, INITIAL_SHORTCUT_STATE, interpretKey, LEADER_TIMEOUT_MS, SHORTCUT_GROUPS, type KeyPress, type ShortcutState } from '../../renderer/src/app/shortcuts.ts';
import { isTypingTarget } from '../../renderer/src/ui/keyboard.ts';

function press(key: string, more: Partial<KeyPress> = {}): KeyPress {
  return { key, ctrlKey: false, metaKey: false, altKey: false, typing: false, ...more };
}

/** Feeds keys at the given times; returns the actions. */
function run(keys: Array<[string, number] | [string, number, Partial<KeyPress>]>): string[] {
  let state: ShortcutState = INITIAL_SHORTCUT_STATE;
  return keys.map(([key, at, more]) => {
    const result = interpretKey(state, press(key, more), at);
    state = result.state;
    return result.action.kind === 'navigate' ? `navigate:${result.action.view}` : result.action.kind;
  });
}

test('g then a letter goes to a view', () => {
  assert.deepEqual(run([['g', 0], ['t', 100]]), ['leader', 'navigate:topology']);
  assert.deepEqual(run([['g', 0], ['h', 100]]), ['leader', 'navigate:hosts']);
  assert.deepEqual(run([['g', 0], ['s', 100]]), ['leader', 'navigate:stacks']);
  assert.deepEqual(run([['g', 0], ['l', 100]]), ['leader', 'navigate:logs']);
  assert.deepEqual(run([['g', 0], ['e', 100]]), ['leader', 'navigate:events']);
  assert.deepEqual(run([['g', 0], ['E', 100]]), ['leader', 'navigate:events'], 'caps lock does not matter');
  assert.deepEqual(run([['g', 0], ['k', 100]]), ['leader', 'navigate:secrets']);
  assert.deepEqual(run([['g', 0], ['c', 100]]), ['leader', 'navigate:configs']);
  assert.deepEqual(run([['g', 0], ['v', 100]]), ['leader', 'navigate:volumes']);
  assert.deepEqual(run([['g', 0], ['i', 100]]), ['leader', 'navigate:images']);
  assert.deepEqual(Object.keys(GO_KEYS).sort(), ['c', 'e', 'h', 'i', 'k', 'l', 's', 't', 'v']);
});

test('the letter alone, too late, or after another key does nothing', () => {
  assert.deepEqual(run([['h', 0]]), ['none']);
  assert.deepEqual(run([['g', 0], ['h', LEADER_TIMEOUT_MS + 1]]), ['leader', 'none']);
  assert.deepEqual(run([['g', 0], ['x', 10], ['h', 20]]), ['leader', 'none', 'none']);
  assert.deepEqual(run([['g', 0], ['h', 10], ['h', 20]]), ['leader', 'navigate:hosts', 'none'], 'one navigation per g');
  assert.deepEqual(run([['g', 0], ['g', 10], ['t', 20]]), ['leader', 'leader', 'navigate:topology']);
});

test('?, / and Esc', () => {
  assert.deepEqual(run([['?', 0]]), ['help']);
  assert.deepEqual(run([['/', 0]]), ['focus-filter']);
  assert.deepEqual(run([['Escape', 0]]), ['escape']);
  assert.deepEqual(run([['g', 0], ['Escape', 10], ['t', 20]]), ['leader', 'escape', 'none'], 'Esc also drops a pending g');
});

test('ignored while typing in a field and with Ctrl, Cmd or Alt', () => {
  assert.deepEqual(run([['g', 0, { typing: true }], ['t', 10, { typing: true }]]), ['none', 'none']);
  assert.deepEqual(run([['/', 0, { typing: true }]]), ['none']);
  assert.deepEqual(run([['?', 0, { typing: true }]]), ['none']);
  assert.deepEqual(run([['Escape', 0, { typing: true }]]), ['none']);
  assert.deepEqual(run([['g', 0], ['t', 10, { typing: true }]]), ['leader', 'none'], 'typing in between cancels the g');
  assert.deepEqual(run([['g', 0, { ctrlKey: true }], ['t', 10]]), ['none', 'none']);
  assert.deepEqual(run([['/', 0, { metaKey: true }]]), ['none']);
  assert.deepEqual(run([['g', 0], ['t', 10, { altKey: true }]]), ['leader', 'none']);
});

test('the help lists every view shortcut', () => {
  const listed = SHORTCUT_GROUPS.flatMap((group) => group.shortcuts).filter((s) => s.sequence).map((s) => s.keys.join(' '));
  for (const letter of Object.keys(GO_KEYS)) assert.ok(listed.includes(`g ${letter}`), `g ${letter} is listed`);
  // the stack editor's own keys, with the way out of it (Tab alone indents there)
  const editor = SHORTCUT_GROUPS.find((group) => group.title === 'Stack editor');
  assert.ok(editor !== undefined);
  assert.ok(editor.shortcuts.some((s) => s.sequence === true && s.keys.join(' ') === 'Esc Tab'));
});

test('the view filter: one marked data-view-filter first, else a search field, else a "Filter…" field', () => {
  const fields: Record<string, { id: string }> = {
    'main [data-view-filter]': { id: 'marked' },
    'main input[type="search"]': { id: 'search' },
    'main input[placeholder^="Filter"]': { id: 'placeholder' },
  };
  const root = (present: string[]) => ({
    querySelector: (selector: string) => (present.includes(selector) ? fields[selector] : null),
  });
  const find = (present: string[]) => (findViewFilter(root(present) as unknown as ParentNode) as unknown as { id: string } | null)?.id ?? null;
  assert.equal(find(Object.keys(fields)), 'marked');
  assert.equal(find(['main input[type="search"]', 'main input[placeholder^="Filter"]']), 'search');
  assert.equal(find(['main input[placeholder^="Filter"]']), 'placeholder');
  assert.equal(find([]), null);
});

test('typing targets: a key aimed at no element is not typing', () => {
  assert.equal(isTypingTarget(null), false);
  assert.equal(isTypingTarget({} as EventTarget), false);
});
