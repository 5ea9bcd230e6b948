// The renderer's shared pieces, as markup: the error note (the hint apart from the message, as an
// action line), a failed load with its retry, the close button, the empty state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { BatonError } from '../../shared/errors.ts';
import { CloseButton } from '../../renderer/src/ui/CloseButton.tsx';
import { EmptyState } from '../../renderer/src/ui/EmptyState.tsx';
import { ErrorHint, ErrorNote, LoadFailed } from '../../renderer/src/ui/ErrorNote.tsx';

const text = (html: string): string => html.replace(/<[^>]+>/g, '|').replace(/\|+/g, '|');

test('an error with a hint shows the hint as its own line, after the message', () => {
  const error = new BatonError('NOT_FOUND', 'No host has volume data.', { volume: 'data' }, 'See the volumes with: baton volume ls');
  const html = renderToStaticMarkup(createElement(ErrorNote, { error, title: 'Could not remove data' }));
  assert.match(html, /role="alert"/);
  assert.equal(text(html), '|Could not remove data|No host has volume data.|See the volumes with: baton volume ls|NOT_FOUND|');
  assert.match(html, /data-testid="error-hint"/);
});

test('an error without a hint has no hint line', () => {
  const html = renderToStaticMarkup(createElement(ErrorNote, { error: new BatonError('TIMEOUT', 'The host did not answer.') }));
  assert.doesNotMatch(html, /error-hint/);
  assert.equal(text(html), '|The host did not answer.|TIMEOUT|');
  assert.equal(renderToStaticMarkup(createElement(ErrorHint, { error: null })), '');
  assert.equal(renderToStaticMarkup(createElement(ErrorHint, { error: new BatonError('INTERNAL', 'x', undefined, ' ') })), '');
});

test('a failed load: the note, then "Try again", which can be off while disconnected', () => {
  const error = new BatonError('UNAVAILABLE', 'The control plane did not answer.');
  const on = renderToStaticMarkup(createElement(LoadFailed, { error, title: 'Could not load the hosts', onRetry: () => {} }));
  assert.equal(text(on), '|Could not load the hosts|The control plane did not answer.|UNAVAILABLE|Try again|');
  assert.doesNotMatch(on, /<button[^>]* disabled=""/);
  assert.match(renderToStaticMarkup(createElement(LoadFailed, { error, title: 't', onRetry: () => {}, retryDisabled: true })), /<button[^>]* disabled=""/);
});

test('a dismissable note and the close button say what they do to screen readers', () => {
  const note = renderToStaticMarkup(createElement(ErrorNote, { error: new BatonError('INVALID_INPUT', 'No.'), onDismiss: () => {} }));
  assert.match(note, /<span class="sr-only">Dismiss<\/span>/);
  assert.match(renderToStaticMarkup(createElement(CloseButton, { onClick: () => {}, label: 'Close details' })), /<button type="button"[^>]*>.*<span class="sr-only">Close details<\/span><\/button>/);
});

test('an empty state: title, words, then the actions and anything more, in that order', () => {
  const html = renderToStaticMarkup(createElement(EmptyState, { icon: 'i', title: 'No events yet', actions: 'act', more: 'more', tone: 'muted' }, 'They show up here.'));
  assert.equal(text(html), '|i|No events yet|They show up here.|act|more|');
  assert.match(html, /text-zinc-400/, 'the muted tone');
});
