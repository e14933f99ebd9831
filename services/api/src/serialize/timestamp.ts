/** RFC 3339 in UTC with second precision, as the public API documents it: 2025-01-15T10:30:00Z. */
export function rfc3339(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

export function rfc3339OrNull(date: Date | null): string | null {
  return date === null ? null : rfc3339(date);
}
