import { Ec2Error, missingParameter } from '../protocol/errors.js';
import { parseTags, type QueryParams, type TagSpecification } from '../protocol/query-protocol.js';
import type { ActionContext, ActionHandler } from './action-context.js';

const MAX_TAGS_PER_RESOURCE = 50;

function taggable(ctx: ActionContext, id: string): Map<string, string> {
  if (id.startsWith('snap-')) return ctx.store.snapshot(id).tags;
  if (id.startsWith('vol-')) return ctx.store.volume(id).tags;
  if (id.startsWith('i-')) return ctx.store.instance(id).tags;
  throw new Ec2Error('InvalidID', `The ID '${id}' is not valid`);
}

function assertUserTags(tags: ReadonlyMap<string, string>): void {
  for (const key of tags.keys()) {
    // The `aws:` prefix is reserved for AWS's own tags.
    if (key.toLowerCase().startsWith('aws:')) {
      throw new Ec2Error(
        'InvalidParameterValue',
        `Tag keys starting with 'aws:' are reserved for internal use`,
      );
    }
  }
}

export function applyTags(target: Map<string, string>, tags: ReadonlyMap<string, string>): void {
  assertUserTags(tags);
  const merged = new Map([...target, ...tags]);
  if (merged.size > MAX_TAGS_PER_RESOURCE) {
    throw new Ec2Error(
      'TagLimitExceeded',
      `The maximum number of tags (${MAX_TAGS_PER_RESOURCE}) has been exceeded.`,
    );
  }
  for (const [key, value] of tags) target.set(key, value);
}

/** Tags for `resourceType` from TagSpecifications, validating every specification's type. */
export function tagsFor(
  specifications: TagSpecification[],
  resourceType: string,
  allowed: readonly string[],
): Map<string, string> {
  const tags = new Map<string, string>();
  for (const spec of specifications) {
    if (!allowed.includes(spec.resourceType)) {
      throw new Ec2Error(
        'InvalidParameterValue',
        `'${spec.resourceType}' is not a valid taggable resource type for this operation.`,
      );
    }
    if (spec.resourceType === resourceType) for (const [key, value] of spec.tags) tags.set(key, value);
  }
  assertUserTags(tags);
  return tags;
}

const createTags: ActionHandler = (ctx, params: QueryParams) => {
  const resources = params.strings('ResourceId');
  if (resources.length === 0) throw missingParameter('resourceIdSet');
  const tags = parseTags(params.list('Tag'));
  if (tags.size === 0) throw missingParameter('tagSet');
  const targets = resources.map((id) => taggable(ctx, id));
  for (const target of targets) applyTags(target, tags);
  return { return: true };
};

const deleteTags: ActionHandler = (ctx, params) => {
  const resources = params.strings('ResourceId');
  if (resources.length === 0) throw missingParameter('resourceIdSet');
  const targets = resources.map((id) => taggable(ctx, id));
  const requested = params
    .list('Tag')
    .map((tag) => ({ key: tag.requiredString('Key'), value: tag.string('Value') }));
  for (const target of targets) {
    // No Tag list deletes every tag; a key without a value deletes whatever the value; a key with
    // a value (even '') deletes only on an exact match.
    if (requested.length === 0) target.clear();
    for (const { key, value } of requested) {
      if (value === undefined || target.get(key) === value) target.delete(key);
    }
  }
  return { return: true };
};

export const tagActions: Record<string, ActionHandler> = {
  CreateTags: createTags,
  DeleteTags: deleteTags,
};
