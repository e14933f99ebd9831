import { describe, expect, it } from 'vitest';
import { renderError, renderResponse, tagSet } from './xml.js';

describe('renderResponse', () => {
  it('wraps the body in <Action>Response with the EC2 namespace and renders lists as items', () => {
    const xml = renderResponse('DescribeVolumes', 'req-1', {
      volumeSet: [
        { volumeId: 'vol-1', size: 8, encrypted: false, createTime: new Date(0), kmsKeyId: undefined },
      ],
      nextToken: undefined,
    });
    expect(xml).toContain('<DescribeVolumesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">');
    expect(xml).toContain('<requestId>req-1</requestId>');
    expect(xml).toContain(
      '<volumeSet><item><volumeId>vol-1</volumeId><size>8</size><encrypted>false</encrypted>' +
        '<createTime>1970-01-01T00:00:00.000Z</createTime></item></volumeSet>',
    );
    expect(xml).not.toContain('nextToken');
  });

  it('escapes text', () => {
    expect(renderResponse('CreateTags', 'r', { tagSet: tagSet(new Map([['a<b', '"&"']])) })).toContain(
      '<key>a&lt;b</key><value>&quot;&amp;&quot;</value>',
    );
  });
});

describe('renderError', () => {
  it("uses EC2's error envelope", () => {
    expect(renderError('InvalidVolume.NotFound', "The volume 'vol-1' does not exist.", 'r-1')).toContain(
      '<Response><Errors><Error><Code>InvalidVolume.NotFound</Code><Message>The volume &apos;vol-1&apos; does not exist.</Message></Error></Errors><RequestID>r-1</RequestID></Response>',
    );
  });
});
