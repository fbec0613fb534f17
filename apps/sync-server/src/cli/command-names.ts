// The names of the CLI's data commands, apart from the commands themselves (main.ts loads a command's
// module only when it runs).

const DATA_COMMANDS = new Set(['docs', 'history', 'export', 'verify', 'compact', 'purge', 'backup', 'restore', 'copy']);

export const isDataCommand = (name: string | undefined): boolean => name !== undefined && DATA_COMMANDS.has(name);
