import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';

/** A server process in its own process group, so that stop() ends its children too. */
export interface Daemon {
  readonly pid: number;
  stop(): Promise<void>;
}

export function requireBinary(file: string): void {
  if (!fs.existsSync(file)) {
    throw new Error(`${file} absent: apt-get install dovecot-imapd dovecot-lmtpd postfix`);
  }
}

export function startDaemon(command: string, args: readonly string[], what: string, logFile: string): Daemon {
  const out = fs.openSync(logFile, 'a');
  const child: ChildProcess = spawn(command, args, { detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  if (child.pid === undefined) throw new Error(`${what}: spawn failed`);
  const pid = child.pid;
  let exited = child.exitCode !== null;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  // If the test process ends without stop() (a crash, a timeout), do not leave servers behind.
  const onExit = () => {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', onExit);
  void exit.then(() => process.off('exit', onExit));
  return {
    pid,
    async stop() {
      if (exited) return;
      const signalGroup = (signal: NodeJS.Signals) => {
        try {
          process.kill(-pid, signal);
        } catch {
          // group already gone
        }
      };
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), 5_000);
      await exit;
      clearTimeout(timer);
      // Workers of the group (smtpd, imap, lmtp) may outlive the master for a moment.
      signalGroup('SIGKILL');
    },
  };
}

/** Fails fast with the server's own log when it exits during start-up. */
export function exitedEarly(daemon: Daemon, logFile: string): Error {
  const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '';
  return new Error(`pid ${daemon.pid} did not start:\n${log}`);
}
