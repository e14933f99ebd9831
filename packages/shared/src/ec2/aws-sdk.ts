// The only door to @aws-sdk/client-ec2 at run time: the EC2 client and the
// commands the adapter sends. `pnpm build` bundles this module alone with
// esbuild from the SDK's ES modules (packages/shared/scripts/bundle-aws-sdk.mjs), so the
// compiled services load these dozen commands (~1 MiB) instead of the SDK's
// single 2 MiB CommonJS file with all ~750 of them: less start-up, ~15 MiB less
// memory per process, and no SDK in the production folders. In development and
// tests this file re-exports the installed SDK as it is.
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
