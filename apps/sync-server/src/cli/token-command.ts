// `tandem token`: mints an access token for a user, a set of documents and a role.

import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { isRole, mintToken } from '../auth/token.js';
import { ConfigError } from '../config.js';

export const TOKEN_USAGE = `Usage: tandem token --user <id> [--name <display name>] --doc <name or prefix*> [--doc ...]
                    [--role editor|commenter|viewer] [--ttl 1h] [--admin] [--id <jti>] [--secret <secret>]

Prints an HS256 token signed with --secret or AUTH_SECRET (the server's secret, at least 32 characters).
--doc may repeat; 'team/*' opens every document whose name starts with "team/", '*' opens all.
--ttl takes seconds or a duration such as 30m, 12h, 7d (default 24h); 'never' for no expiry.
Each token carries an id (jti, random unless --id) that tandem revoke --token-id withdraws; the id is
printed to stderr. --admin: the token may call the admin API (/api/admin/revocations); --doc is then optional.`;

export interface MintedToken {
  readonly token: string;
  readonly tokenId: string;
}

export async function runTokenCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<MintedToken> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        user: { type: 'string' },
        name: { type: 'string' },
        doc: { type: 'string', multiple: true },
        role: { type: 'string', default: 'editor' },
        ttl: { type: 'string', default: '24h' },
        secret: { type: 'string' },
        admin: { type: 'boolean', default: false },
        id: { type: 'string' },
      },
    }));
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}\n\n${TOKEN_USAGE}`);
  }
  const secret = values.secret ?? env.AUTH_SECRET;
  if (secret === undefined || secret.length < 32) {
    throw new ConfigError(`A secret of at least 32 characters is needed (--secret or AUTH_SECRET)\n\n${TOKEN_USAGE}`);
  }
  // Trimmed as tandem revoke --user trims it: a user named ' ada' could not be revoked by name.
  const user = values.user?.trim();
  if (user === undefined || user === '') throw new ConfigError(`--user is required\n\n${TOKEN_USAGE}`);
  if ((values.doc === undefined || values.doc.length === 0) && !values.admin) throw new ConfigError(`--doc is required\n\n${TOKEN_USAGE}`);
  // A server refuses a token listing an empty pattern; a blank one matches no document name.
  if (values.doc?.some((d) => d.trim() === '')) throw new ConfigError(`--doc must not be empty\n\n${TOKEN_USAGE}`);
  if (values.id !== undefined && values.id.trim() === '') throw new ConfigError(`--id must not be empty\n\n${TOKEN_USAGE}`);
  if (!isRole(values.role)) {
    throw new ConfigError(`Invalid --role=${JSON.stringify(values.role)}: editor, commenter or viewer\n\n${TOKEN_USAGE}`);
  }
  const ttl = values.ttl === 'never' ? undefined : /^\d+$/.test(values.ttl) ? Number(values.ttl) : values.ttl;
  if (typeof ttl === 'string' && !/^\d+\s*(s|sec|m|min|h|hr|d|day|w|week)s?$/.test(ttl)) {
    throw new ConfigError(`Invalid --ttl=${JSON.stringify(values.ttl)}: seconds, or a duration like 30m, 12h, 7d\n\n${TOKEN_USAGE}`);
  }
  // A token that expires as it is minted is refused by every server.
  if (ttl === 0 || (typeof ttl === 'string' && /^0+\s*[a-z]+$/.test(ttl))) {
    throw new ConfigError(`Invalid --ttl=${JSON.stringify(values.ttl)}: must be longer than 0 (or 'never')\n\n${TOKEN_USAGE}`);
  }
  const tokenId = values.id?.trim() ?? randomUUID();
  const token = await mintToken(secret, {
    userId: user,
    name: values.name ?? user,
    docs: values.doc ?? [],
    role: values.role,
    tokenId,
    admin: values.admin,
    ...(ttl === undefined ? {} : { ttl }),
  });
  return { token, tokenId };
}
