import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeStoreContract } from '../../testing/adapter-contract.js';
import { openSqliteStore } from './sqlite-store.js';

describeStoreContract('sqlite', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'tandem-sqlite-'));
  return {
    open: async () => openSqliteStore({ dataDir }),
    destroy: () => rm(dataDir, { recursive: true, force: true }),
  };
});
