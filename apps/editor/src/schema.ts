// The schema lives in @tandem/schema, shared with the server's exports and history views. The editor reads
// stored attributes (a heading level, a table cell's spans) leniently in every node and mark it makes
// (formats/stored-attrs.ts): done here, before any is made, since the schema is itself made when its module loads.
import { schema } from '@tandem/schema/schema';
import { readStoredAttrsOnCreate } from './formats/stored-attrs.js';

readStoredAttrsOnCreate(schema);

export { FRAGMENT, schema } from '@tandem/schema/schema';

/** The node types that are lists (their children are items). */
export const LIST_TYPES: ReadonlySet<string> = new Set(['bullet_list', 'ordered_list', 'task_list']);
