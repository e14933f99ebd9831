// Mirrors the augmentation in @backups/shared's global-setup.ts, which this
// package's typecheck does not include (the harness reads inject('templateDatabase')).
import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}
