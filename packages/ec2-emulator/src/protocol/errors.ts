/**
 * EC2 error codes the emulator returns. EC2 answers client errors with HTTP 400, throttling
 * (`RequestLimitExceeded`) with 503, `DryRunOperation` with 412 and its own faults with 500/503.
 */
export class Ec2Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = statusForCode(code),
  ) {
    super(message);
    this.name = 'Ec2Error';
  }
}

const STATUS_BY_CODE: Record<string, number> = {
  RequestLimitExceeded: 503,
  Unavailable: 503,
  ServiceUnavailable: 503,
  InternalError: 500,
  InternalFailure: 500,
  DryRunOperation: 412,
};

export function statusForCode(code: string): number {
  return STATUS_BY_CODE[code] ?? 400;
}

export const missingParameter = (name: string): Ec2Error =>
  new Ec2Error('MissingParameter', `The request must contain the parameter ${name}`);

export const invalidParameterValue = (message: string): Ec2Error =>
  new Ec2Error('InvalidParameterValue', message);
