export type * from './types.js';
export { PersistenceError, type PersistenceErrorCode } from './errors.js';
export { assertDocName, docNameProblem, MAX_DOC_NAME_LENGTH } from './doc-name.js';
export { openSqliteStore, sqliteStorePath, DEFAULT_DB_FILE, type SqliteStoreOptions } from './adapters/sqlite/sqlite-store.js';
export { createGroupCommit, type UpdateLog, type FlushReport, type GroupCommitOptions } from './log/group-commit.js';
export { loadDocument, type LoadedDocument } from './checkpoint/load-document.js';
