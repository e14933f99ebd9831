// The only door to @aws-sdk/client-ec2 at run time: the EC2 client and the
// commands the adapter sends. `pnpm build` bundles this module alone with
// esbuild from the SDK's ES modules (packages/shared/scripts/bundle-aws-sdk.mjs)
// instead of loading the SDK's single CommonJS file: a worker's idle RSS drops
// (compare `pnpm --filter @backups/worker bench` on a build without the bundle),
// and production folders carry no SDK. The bundle is not much smaller (the EC2
// model's schemas are shared by all commands); the saving is in how Node keeps
// a CommonJS file. In development and tests this file re-exports the SDK as is.
export {
  AttachVolumeCommand,
  CreateSnapshotsCommand,
  CreateTagsCommand,
  CreateVolumeCommand,
  DeleteSnapshotCommand,
  DeleteVolumeCommand,
  DescribeInstancesCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  DetachVolumeCommand,
  EC2Client,
  type Filter,
  StartInstancesCommand,
  StopInstancesCommand,
  type VolumeType,
} from '@aws-sdk/client-ec2';
