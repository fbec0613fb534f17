// The storage side of document names: the rule is @tandem/schema's (shared with the server's routes
// and the editor); storage refuses what it refuses with its own error.

import { docNameProblem } from '@tandem/schema/doc-name';
import { PersistenceError } from './errors.js';

export function assertDocName(name: string): void {
  const problem = docNameProblem(name);
  if (problem !== undefined) {
    throw new PersistenceError('invalid-doc-name', `Document name ${JSON.stringify(name.slice(0, 80))} ${problem}`, name);
  }
}
