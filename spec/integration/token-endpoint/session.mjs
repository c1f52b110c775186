// Stands for the app's own session store in the README's token endpoint snippets.
export const sessionOf = async (cookie) => (cookie === 'session=ok' ? { user: 'alice' } : null);
