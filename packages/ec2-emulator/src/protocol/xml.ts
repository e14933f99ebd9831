/**
 * Just enough XML writing for EC2 Query responses. EC2 serialises every list as a wrapper
 * element (`volumeSet`, `tagSet`, ...) holding `<item>` children, so arrays become items here.
 */
export type XmlValue = string | number | boolean | Date | null | undefined | XmlValue[] | XmlObject;
export interface XmlObject {
  [element: string]: XmlValue;
}

export const EC2_NAMESPACE = 'http://ec2.amazonaws.com/doc/2016-11-15/';

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function renderValue(name: string, value: XmlValue): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) {
    return `<${name}>${value.map((item) => renderValue('item', item)).join('')}</${name}>`;
  }
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (typeof value === 'object') return `<${name}>${renderChildren(value)}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

export function renderChildren(object: XmlObject): string {
  return Object.entries(object)
    .map(([name, value]) => renderValue(name, value))
    .join('');
}

export function renderResponse(action: string, requestId: string, body: XmlObject): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${EC2_NAMESPACE}">` +
    `<requestId>${requestId}</requestId>${renderChildren(body)}</${action}Response>`
  );
}

/** EC2's error envelope differs from its success envelope: no namespace, `RequestID` in capitals. */
export function renderError(code: string, message: string, requestId: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(code)}</Code>` +
    `<Message>${escapeXml(message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`
  );
}

/** EC2 renders tags as a `tagSet` of `{ key, value }` items. */
export function tagSet(tags: ReadonlyMap<string, string>): XmlObject[] | undefined {
  if (tags.size === 0) return undefined;
  return [...tags].map(([key, value]) => ({ key, value }));
}
