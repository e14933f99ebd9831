// Finds the SQL a TypeScript file sends as text: every string or template
// literal that starts like a statement. A lexer this small cannot parse
// TypeScript, but it needs only to skip comments and to find where literals
// start and end, which is all the structural checks rely on.

export interface Literal {
  /** The literal's text without its quotes; a template's `${…}` parts are replaced by `?`. */
  text: string;
  /** 1-based line of the opening quote. */
  line: number;
}

/** Every string and template literal of a source file, comments skipped. */
export function literals(source: string): Literal[] {
  const found: Literal[] = [];
  let line = 1;
  let i = 0;
  const n = source.length;
  const advance = (to: number) => {
    for (let k = i; k < to; k++) if (source[k] === '\n') line++;
    i = to;
  };
  while (i < n) {
    const c = source[i];
    if (c === '/' && source[i + 1] === '/') {
      const end = source.indexOf('\n', i);
      advance(end === -1 ? n : end);
    } else if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      advance(end === -1 ? n : end + 2);
    } else if (c === "'" || c === '"' || c === '`') {
      const startLine = line;
      let text = '';
      let k = i + 1;
      while (k < n && source[k] !== c) {
        if (source[k] === '\\') {
          text += source[k + 1] ?? '';
          k += 2;
        } else if (c === '`' && source[k] === '$' && source[k + 1] === '{') {
          // Skip the interpolation, nested braces included.
          let depth = 1;
          k += 2;
          while (k < n && depth > 0) {
            if (source[k] === '{') depth++;
            else if (source[k] === '}') depth--;
            k++;
          }
          text += '?';
        } else {
          text += source[k];
          k++;
        }
      }
      found.push({ text, line: startLine });
      advance(Math.min(k + 1, n));
    } else {
      if (c === '\n') line++;
      i++;
    }
  }
  return found;
}

// The shape of a statement, not just its first word: "Delete a backup" is prose.
const STATEMENT =
  /^\s*(select\s[\s\S]*\bfrom\s|select\s+\d|insert\s+into\s|update\s+\w+(\s+\w+)?\s+set\s|delete\s+from\s|with\s+\w+\s+as\s*\()/i;

/** The literals that are SQL statements: the file's raw-SQL call sites. */
export function sqlStatements(source: string): Literal[] {
  return literals(source).filter((l) => STATEMENT.test(l.text));
}

export type WriteKind = 'insert' | 'update' | 'delete';

export interface SqlWrite {
  table: string;
  kind: WriteKind;
  /** The statement sets or inserts the table's status (or a snapshot's state) column. */
  writesStatus: boolean;
  line: number;
}

const WRITES: Array<{ kind: WriteKind; pattern: RegExp }> = [
  { kind: 'insert', pattern: /\binsert\s+into\s+(\w+)\s*(\([^)]*\))?/gi },
  {
    kind: 'update',
    pattern:
      /\bupdate\s+(\w+)(?:\s+(?:as\s+)?\w+)?\s+set\b([\s\S]*?)(?:\bwhere\b|\breturning\b|\bfrom\b|$)/gi,
  },
  { kind: 'delete', pattern: /\bdelete\s+from\s+(\w+)/gi },
];

const STATUS_COLUMN = /\b(status|state)\b/i;

/** The tables a SQL statement writes, and whether it writes their status. */
export function sqlWrites(statement: Literal): SqlWrite[] {
  const writes: SqlWrite[] = [];
  for (const { kind, pattern } of WRITES) {
    for (const m of statement.text.matchAll(pattern)) {
      const table = m[1]?.toLowerCase();
      if (!table || table === 'set') continue;
      const columns = m[2] ?? '';
      writes.push({
        table,
        kind,
        writesStatus: kind !== 'delete' && STATUS_COLUMN.test(columns),
        line: statement.line,
      });
    }
  }
  return writes;
}
