import { defineEntity, type InferEntity } from '@mikro-orm/core';
import { CLOUDS, STORAGE_TYPES } from '../domain/enums.js';
import { DEPLOYMENT_STATUSES } from './deployment-statuses.js';

export const DeploymentSchema = defineEntity({
  name: 'Deployment',
  tableName: 'deployments',
  properties: (p) => ({
    /** Assigned by the control plane (int64, e.g. 611298765432109056) or by the sequence. */
    id: p.bigint('bigint').primary().autoincrement(),
    tenantId: p.bigint('bigint'),
    name: p.text(),
    cloud: p.enum([...CLOUDS]),
    region: p.text(),
    storageType: p.enum([...STORAGE_TYPES]),
    status: p.enum([...DEPLOYMENT_STATUSES]),
    version: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  }),
});
export type Deployment = InferEntity<typeof DeploymentSchema>;
