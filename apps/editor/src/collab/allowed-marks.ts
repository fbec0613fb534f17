// Which marks a block may hold, by the attribute names y-prosemirror writes them under.

import { blockHoldsFormat } from '@tandem/schema/stored-attrs';
import type { NodeType } from 'prosemirror-model';

/**
 * Whether a block of type `block` may hold the mark attribute `name`: a mark the schema knows that the block
 * allows (@tandem/schema's blockHoldsFormat, which the server's update gate asks too). A code block holds none.
 */
export function markAllowed(block: NodeType | undefined, name: string): boolean {
  return block !== undefined && blockHoldsFormat(block, name) === true;
}
