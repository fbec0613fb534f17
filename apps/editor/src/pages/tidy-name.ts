// A typed document name, forgiven what is only untidy: spaces around it, doubled and outer "/".

export const tidyName = (typed: string): string => typed.trim().replace(/\/+/g, '/').replace(/^\/|\/$/g, '');
