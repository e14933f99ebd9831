import type { MigrationObject } from '@mikro-orm/core';
import { Migration0001InitialSchema } from './0001-initial-schema.js';

/** Every migration, in order. Listed explicitly so no file globbing is needed at run time. */
export const MIGRATIONS: MigrationObject[] = [
  { name: '0001-initial-schema', class: Migration0001InitialSchema },
];
