import { Ec2Error } from '../protocol/errors.js';

/**
 * EC2 pagination: `MaxResults` within a per-action range and an opaque `NextToken`. The token
 * here encodes the offset into the (insertion-ordered) result list.
 */
export function paginate<T>(
  items: T[],
  maxResults: number | undefined,
  nextToken: string | undefined,
  range: [number, number],
): { page: T[]; nextToken: string | undefined } {
  let offset = 0;
  if (nextToken !== undefined) {
    const match = /^offset:(\d+)$/.exec(Buffer.from(nextToken, 'base64url').toString('utf8'));
    const decoded = Number(match?.[1]);
    if (!match || !Number.isSafeInteger(decoded)) {
      throw new Ec2Error('InvalidPaginationToken', `The pagination token '${nextToken}' is invalid.`);
    }
    offset = decoded;
  }
  if (maxResults === undefined) return { page: items.slice(offset), nextToken: undefined };
  const [min, max] = range;
  if (maxResults < min || maxResults > max) {
    throw new Ec2Error(
      'InvalidParameterValue',
      `Value (${maxResults}) for parameter maxResults is invalid. Expecting a value between ${min} and ${max}.`,
    );
  }
  const end = offset + maxResults;
  return {
    page: items.slice(offset, end),
    nextToken: end < items.length ? Buffer.from(`offset:${end}`, 'utf8').toString('base64url') : undefined,
  };
}
