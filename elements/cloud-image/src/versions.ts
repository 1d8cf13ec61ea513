/** Names ordered as release numbers are: 43-1.10 after 43-1.9, Generic-43 after Generic-9. */
export const byVersion = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });
