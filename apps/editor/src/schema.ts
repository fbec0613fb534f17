// The schema lives in @tandem/schema, shared with the server's exports and history views.
export { FRAGMENT, schema } from '@tandem/schema/schema';
