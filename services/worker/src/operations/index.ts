export { type DriveDeps, type DriveOutcome, driveDeployment } from './drive.js';
export { operationHandlers } from './handlers.js';
export type {
  DeploymentRef,
  OperationContext,
  OperationHandler,
  OperationHandlers,
  StepResult,
} from './operation-context.js';
export { continueAfter, failed, succeeded } from './operation-context.js';
