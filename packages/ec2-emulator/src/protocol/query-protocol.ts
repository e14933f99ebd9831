import { invalidParameterValue, missingParameter } from './errors.js';

/**
 * A parsed EC2 Query request. The SDK flattens structures with dots and lists with 1-based
 * indexes (`Filter.1.Value.2=x`, `TagSpecification.1.Tag.1.Key=k`), so the form body is
 * rebuilt into a tree and read back by the same names.
 */
interface QueryNode {
  value?: string;
  children: Map<string, QueryNode>;
}

export class QueryParams {
  private constructor(private readonly node: QueryNode) {}

  static parse(body: string): QueryParams {
    const root: QueryNode = { children: new Map() };
    for (const [key, value] of new URLSearchParams(body)) {
      let node = root;
      for (const segment of key.split('.')) {
        let child = node.children.get(segment);
        if (!child) {
          child = { children: new Map() };
          node.children.set(segment, child);
        }
        node = child;
      }
      node.value = value;
    }
    return new QueryParams(root);
  }

  has(name: string): boolean {
    return this.node.children.has(name);
  }

  child(name: string): QueryParams | undefined {
    const node = this.node.children.get(name);
    return node ? new QueryParams(node) : undefined;
  }

  string(name: string): string | undefined {
    return this.node.children.get(name)?.value;
  }

  requiredString(name: string): string {
    const value = this.string(name);
    if (value === undefined || value === '') throw missingParameter(name);
    return value;
  }

  int(name: string): number | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!Number.isInteger(value))
      throw invalidParameterValue(`Value (${raw}) for parameter ${name} is invalid.`);
    return value;
  }

  bool(name: string): boolean | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    if (raw === 'true') return true;
    if (raw === 'false') return false;
    throw invalidParameterValue(`Value (${raw}) for parameter ${name} is invalid. Expected a boolean.`);
  }

  /** Members of a flattened list (`Name.1`, `Name.2`, ...) in index order. */
  list(name: string): QueryParams[] {
    const node = this.node.children.get(name);
    if (!node) return [];
    return [...node.children.entries()]
      .filter(([index]) => /^\d+$/.test(index))
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([, child]) => new QueryParams(child));
  }

  strings(name: string): string[] {
    return this.list(name)
      .map((item) => item.node.value)
      .filter((value): value is string => value !== undefined);
  }

  get value(): string | undefined {
    return this.node.value;
  }
}

export interface TagSpecification {
  resourceType: string;
  tags: Map<string, string>;
}

export function parseTags(items: QueryParams[]): Map<string, string> {
  const tags = new Map<string, string>();
  for (const item of items) tags.set(item.requiredString('Key'), item.string('Value') ?? '');
  return tags;
}

export function parseTagSpecifications(params: QueryParams): TagSpecification[] {
  return params.list('TagSpecification').map((spec) => ({
    resourceType: spec.requiredString('ResourceType'),
    tags: parseTags(spec.list('Tag')),
  }));
}

export interface Filter {
  name: string;
  values: string[];
}

export function parseFilters(params: QueryParams): Filter[] {
  return params.list('Filter').map((filter) => ({
    name: filter.requiredString('Name'),
    values: filter.strings('Value'),
  }));
}
