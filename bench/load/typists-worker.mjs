// Entry of the typists' worker thread. tsx's hooks do not apply to a worker's entry module on Node 20
// (with the tsx CLI or `node --import tsx` alike), so this plain module registers them first.
import { register } from 'tsx/esm/api';

register();
await import('./typists-worker.ts');
