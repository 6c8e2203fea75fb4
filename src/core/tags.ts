/**
 * Comma-separated `key:value` tags, split on the first `:`; a tag without `:` is a key with an
 * empty value. (The format of `span-tags` and of statsd `#tags`.)
 */
export function parseTags(text: string): [string, string][] {
  const tags: [string, string][] = [];
  for (const tag of text.split(',')) {
    if (tag === '') continue;
    const colon = tag.indexOf(':');
    tags.push(colon < 0 ? [tag, ''] : [tag.slice(0, colon), tag.slice(colon + 1)]);
  }
  return tags;
}
