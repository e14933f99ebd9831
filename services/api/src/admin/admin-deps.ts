import type { Ec2Adapter } from '@backups/shared/ec2';
import type { EntityManager } from '@mikro-orm/postgresql';

export interface AdminDeps {
  /**
   * A fresh EntityManager for one unit of work (a command, or one --jsonl line).
   * Async so that the CLI starts the ORM only when a command reaches the database.
   */
  em(): Promise<EntityManager>;
  /**
   * An EC2 adapter for a region (the CLI builds it for the command's --region, at AWS_ENDPOINT_URL_EC2).
   * May be async so that the CLI loads the AWS SDK only when a command talks to EC2.
   */
  ec2ForRegion(region: string): Ec2Adapter | Promise<Ec2Adapter>;
  print(line: string): void;
  /** What `--jsonl -` reads; process.stdin when omitted. */
  stdin?: NodeJS.ReadableStream;
}

/** Bad arguments: the CLI prints the message and exits 64 (EX_USAGE). */
export class UsageError extends Error {}
