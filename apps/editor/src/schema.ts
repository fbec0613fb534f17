// The schema lives in @tandem/schema, shared with the server's exports and history views. The editor reads
// table spans as a browser does in every node it makes (formats/stored-spans.ts): done here, before any
// node is made, since the schema is itself made when its module loads.
import { schema } from '@tandem/schema/schema';
import { readTableSpansOnCreate } from './formats/stored-spans.js';

readTableSpansOnCreate(schema);

export { FRAGMENT, schema } from '@tandem/schema/schema';
