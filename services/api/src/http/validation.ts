import type { z } from 'zod';
import { ApiError, type FieldIssue } from '../errors/codes.js';

/** zod issues as {field, message}; unknown keys are listed one field each. */
export function fieldIssues(error: z.ZodError, root = 'body'): FieldIssue[] {
  return error.issues.flatMap((issue): FieldIssue[] => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: path ? `${path}.${key}` : key, message: 'unknown field' }));
    }
    return [{ field: path || root, message: issue.message }];
  });
}

export function invalidRequest(message: string, details: FieldIssue[]): ApiError {
  return new ApiError('invalid_request', message, { details });
}
