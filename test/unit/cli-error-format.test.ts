// What the CLI writes for an error: the message, then the hint on a line of its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorText } from '../../electron/server/cli/error-format.ts';
import { BatonError } from '../../shared/errors.ts';

test('an error with a hint: the message, then "hint:" and the action on its own line', () => {
  const body = new BatonError('NOT_FOUND', 'There is no host named web-9.', { host: 'web-9' }, 'See the hosts with: baton host ls').toBody();
  assert.equal(errorText(body), 'error: There is no host named web-9.\nhint: See the hosts with: baton host ls\n');
});

test('an error without a hint (or with an empty one) is one line', () => {
  assert.equal(errorText({ message: 'The control plane is not running.' }), 'error: The control plane is not running.\n');
  assert.equal(errorText({ message: 'Nothing.', hint: '  ' }), 'error: Nothing.\n');
});
