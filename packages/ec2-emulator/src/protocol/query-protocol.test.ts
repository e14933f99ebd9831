import { describe, expect, it } from 'vitest';
import { parseFilters, parseTagSpecifications, QueryParams } from './query-protocol.js';

describe('QueryParams', () => {
  const params = QueryParams.parse(
    [
      'Action=DescribeSnapshots',
      'Owner.1=self',
      'SnapshotId.2=snap-b',
      'SnapshotId.1=snap-a',
      'Filter.1.Name=tag%3Atenant',
      'Filter.1.Value.1=acme',
      'Filter.1.Value.2=b%26c',
      'InstanceSpecification.ExcludeBootVolume=true',
      'TagSpecification.1.ResourceType=snapshot',
      'TagSpecification.1.Tag.1.Key=k',
      'TagSpecification.1.Tag.1.Value=',
      'MaxResults=5',
    ].join('&'),
  );

  it('reads scalars, booleans and integers', () => {
    expect(params.string('Action')).toBe('DescribeSnapshots');
    expect(params.int('MaxResults')).toBe(5);
    expect(params.child('InstanceSpecification')?.bool('ExcludeBootVolume')).toBe(true);
    expect(() => QueryParams.parse('MaxResults=x').int('MaxResults')).toThrow(/MaxResults/);
  });

  it('rebuilds flattened lists in index order', () => {
    expect(params.strings('SnapshotId')).toEqual(['snap-a', 'snap-b']);
    expect(params.strings('Owner')).toEqual(['self']);
    expect(parseFilters(params)).toEqual([{ name: 'tag:tenant', values: ['acme', 'b&c'] }]);
  });

  it('keeps an empty tag value distinct from a missing one', () => {
    const [spec] = parseTagSpecifications(params);
    expect(spec?.resourceType).toBe('snapshot');
    expect([...(spec?.tags ?? [])]).toEqual([['k', '']]);
  });

  it('reports a missing required parameter as MissingParameter', () => {
    expect(() => params.requiredString('VolumeId')).toThrow(/VolumeId/);
  });
});
