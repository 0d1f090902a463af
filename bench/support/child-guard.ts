// Benches start servers, relays and browsers: none may outlive the bench, however it ends (even
// SIGKILL, when no exit handler runs). A tiny detached shell watches both PIDs and ends the child,
// by its PID, once this process is gone; it quits by itself when the child ends first.
import { spawn } from 'node:child_process';

export function endWithThisProcess(childPid: number): void {
  const me = process.pid;
  const script = `while kill -0 ${me} 2>/dev/null && kill -0 ${childPid} 2>/dev/null; do sleep 1; done; kill -0 ${me} 2>/dev/null || kill -TERM ${childPid} 2>/dev/null`;
  spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' }).unref();
}
