// Preloaded (`--import`) into every service `pnpm dev` starts. Each service
// runs in its own process group, so a terminal's Ctrl-C reaches only the fleet,
// which stops them in order. If the fleet itself dies (SIGKILL, a crash, a
// second Ctrl-C), nothing would stop them: the IPC channel to the fleet is what
// ties their lives to it. When it closes, the service shuts down as on SIGTERM,
// and is killed outright if that has not finished in time.
import { closeSync, openSync } from 'node:fs';

const GRACE_MS = 20_000;

if (process.channel) {
  process.once('disconnect', () => {
    // Nobody reads the service's output any more, and the logger's final flush
    // at exit would wait 10 s on the full socket before giving up: send it to
    // /dev/null instead (each open takes the lowest free descriptor, the one
    // just closed).
    for (const fd of [1, 2]) {
      closeSync(fd);
      openSync('/dev/null', 'w');
    }
    setTimeout(() => process.exit(1), GRACE_MS).unref();
    process.kill(process.pid, 'SIGTERM');
  });
  // The channel must not keep a service alive once its own shutdown is done.
  process.channel.unref();
}
