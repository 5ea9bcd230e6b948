// The renderer's error note: the message, the hint apart from it as an action line, the code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { BatonError } from '../../shared/errors.ts';
import { ErrorHint, ErrorNote } from '../../renderer/src/ui/ErrorNote.tsx';

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
