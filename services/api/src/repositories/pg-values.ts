// MikroORM leaves timestamptz as text in raw results ('2025-01-15 10:30:00.5+00'),
// so raw rows are converted here, once.

export function pgDate(value: string | Date): Date {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`unparseable timestamp from Postgres: ${String(value)}`);
  return date;
}

export function pgDateOrNull(value: string | Date | null): Date | null {
  return value === null ? null : pgDate(value);
}
