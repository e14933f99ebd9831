export { waitFor } from '@backups/testing';
