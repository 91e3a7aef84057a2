import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_TYPES } from '../../src/core/events';

/** The operator's reference for events (docs/operations.md, "Event types") names each type the code has, and no other. */
describe('docs: event types', () => {
  const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'operations.md'), 'utf8');
  const section = doc.slice(doc.indexOf('#### Event types'));
  const table = section.slice(0, section.indexOf('\n\n', section.indexOf('| type |')));
  const documented = [...table.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]);

  it('documents every event type, once, and nothing else', () => {
    expect([...documented].sort()).toEqual([...EVENT_TYPES].sort());
  });
});
