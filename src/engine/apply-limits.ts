/** Cuts a name to `limit` characters; reports whether it did. */
export function limitName(name: string, limit: number): { name: string; cut: boolean } {
  return name.length > limit ? { name: name.slice(0, limit), cut: true } : { name, cut: false };
}
