import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestTls, type TestTls } from './certs.js';
import { dovecotConf, dovecotOauth2Conf } from './dovecotConfig.js';
import { writeValidationKeys, type OauthKeySource } from './oauthKeys.js';
import { createOrganisationPki, type OrganisationCertificate, type OrganisationCertVariant } from './organisationCerts.js';
import { freePort, waitForPort } from './ports.js';
import { postfixMainCf, postfixMasterCf, type PostfixLayout } from './postfixConfig.js';
import { requireBinary, startDaemon, type Daemon } from './processes.js';

const DOVECOT = '/usr/sbin/dovecot';
const POSTFIX = '/usr/sbin/postfix';
// The master itself, in the foreground: `postfix start-fg` runs `master -s`, which starts its
// own session, so the PID we hold would not be the server's.
const POSTFIX_MASTER = '/usr/lib/postfix/sbin/master';

export interface TestMailUser {
  readonly address: string;
  readonly password: string;
  /**
   * idNat (PSC `SubjectNameID`) of the professional who may open this mailbox with a Pro Santé
   * Connect token, when the server has `oauth`.
   */
  readonly idNat?: string;
}

/** Checks PSC access tokens (JWT, RS256/ES256) locally, as an MSSanté operator does. */
export interface MailServerOauthOptions extends OauthKeySource {
  /** Expected `iss`. */
  readonly issuer: string;
  /** Expected `aud` (the local provider's `mailAudience`). */
  readonly audience: string;
}

export interface MailServerOptions {
  readonly dir: string;
  /**
   * Whether the operator files a copy of each accepted message in the sender's "Sent": for
   * every user (default), none, or only the listed senders.
   */
  readonly serverSentCopy?: boolean | readonly string[];
  readonly users?: readonly TestMailUser[];
  /** Accept SASL XOAUTH2 / OAUTHBEARER with PSC tokens for users that have an `idNat`. */
  readonly oauth?: MailServerOauthOptions;
  /**
   * Organisation mailboxes (addresses, created if not among `users`): they log in with a TLS
   * client certificate from the server's organisation CA (`organisationCertificate()`), no password.
   */
  readonly organisationMailboxes?: readonly string[];
}

export interface TestMailServer {
  readonly host: '127.0.0.1';
  readonly imapPort: number;
  readonly submissionPort: number;
  readonly tls: TestTls;
  readonly users: readonly TestMailUser[];
  /** Answers 451 4.3.0 with a retry hint (recipient-access test hook). */
  readonly tempfailAddress: string;
  /** Answers 550 5.1.1 (recipient-access test hook). */
  readonly refusedAddress: string;
  readonly running: boolean;
  /**
   * A client certificate for an organisation mailbox (CN = address), files in the server's
   * folder: `valid`, `expired`, or `foreign-ca` (a chain the server does not trust). Throws
   * unless the server was started with `organisationMailboxes`.
   */
  organisationCertificate(address: string, variant?: OrganisationCertVariant): OrganisationCertificate;
  /** Kills both servers by PID (process group) and waits until their ports are closed. */
  stop(): Promise<void>;
  /** Starts again after stop(): same ports, same mailboxes, fresh Dovecot base_dir. */
  start(): Promise<void>;
  restart(): Promise<void>;
}

export const DEFAULT_USERS: readonly TestMailUser[] = [
  // 810100000017: the practitioner of the SoftHSM test card and of the PSC tests.
  { address: 'dr.martin@medecin.test', password: 'secret-martin', idNat: '810100000017' },
  { address: 'dr.durand@hopital.test', password: 'secret-durand', idNat: '810100000025' },
  { address: 'secretariat@medecin.test', password: 'secret-secretariat' },
];

function uidOf(user: string): number {
  return Number(execFileSync('id', ['-u', user]).toString().trim());
}

/**
 * The test mail operator: Dovecot (IMAP STARTTLS, CONDSTORE/QRESYNC, IDLE; LMTP delivery) and
 * Postfix (submission STARTTLS + SASL through Dovecot's auth socket, delivering by LMTP), on
 * 127.0.0.1 high ports, in `dir`. Root only for now: Dovecot needs a mail uid to switch to.
 * Passwords always; with `oauth`, PSC tokens (XOAUTH2 / OAUTHBEARER, JWT checked locally); with
 * `organisationMailboxes`, TLS client certificates (see test/peers/README.md).
 */
export async function startMailServer(options: MailServerOptions): Promise<TestMailServer> {
  requireBinary(DOVECOT);
  requireBinary(POSTFIX);
  requireBinary(POSTFIX_MASTER);
  if (process.getuid?.() !== 0) throw new Error('test mail server: run as root (Dovecot mail_uid / Postfix queue ownership)');
  const dir = path.resolve(options.dir);
  fs.mkdirSync(dir, { recursive: true });
  // Dovecot's mail processes (uid mail) and Postfix's (uid postfix) must traverse the folder.
  for (let d = dir; d !== path.dirname(d) && d !== os.tmpdir(); d = path.dirname(d)) fs.chmodSync(d, fs.statSync(d).mode | 0o711);
  const users = options.users ?? DEFAULT_USERS;
  const organisationMailboxes = (options.organisationMailboxes ?? []).map((a) => a.toLowerCase());
  const mailboxes = [...new Set([...users.map((u) => u.address), ...organisationMailboxes])];
  const domains = [...new Set(mailboxes.map((a) => a.split('@')[1] ?? 'invalid'))];
  const tls = createTestTls(path.join(dir, 'tls'));
  const [imapPort, lmtpPort, submissionPort] = [await freePort(), await freePort(), await freePort()];
  const tempfailAddress = `tempfail@${domains[0]}`;
  const refusedAddress = `refuse@${domains[0]}`;

  const mailRoot = path.join(dir, 'mail');
  fs.mkdirSync(mailRoot, { recursive: true });
  const mailUid = uidOf('mail');
  fs.chownSync(mailRoot, mailUid, mailUid);
  const usersFile = path.join(dir, 'users');
  fs.writeFileSync(usersFile, users.map((u) => `${u.address}:{PLAIN}${u.password}::::::`).join('\n') + '\n');
  fs.chmodSync(usersFile, 0o644);
  const stateDir = path.join(dir, 'dovecot-state');
  fs.mkdirSync(stateDir, { recursive: true });
  const saslSocket = path.join(dir, 'sasl-auth');

  let oauth: { confFile: string; ownersFile: string } | undefined;
  if (options.oauth) {
    const keysDir = path.join(dir, 'oauth-keys');
    await writeValidationKeys(keysDir, options.oauth);
    oauth = { confFile: path.join(dir, 'dovecot-oauth2.conf.ext'), ownersFile: path.join(dir, 'oauth-owners') };
    fs.writeFileSync(oauth.confFile, dovecotOauth2Conf({ issuer: options.oauth.issuer, audience: options.oauth.audience, keysDir }));
    // "<idNat>/<mailbox>": the token's professional may open that mailbox.
    fs.writeFileSync(oauth.ownersFile, users.filter((u) => u.idNat).map((u) => `${u.idNat}/${u.address.toLowerCase()}:::::::nopassword=y\n`).join(''));
  }
  const pki = organisationMailboxes.length > 0 ? createOrganisationPki(path.join(dir, 'organisation-pki')) : undefined;
  let organisation: { caFile: string; mailboxesFile: string } | undefined;
  if (pki) {
    organisation = { caFile: pki.caBundleFile, mailboxesFile: path.join(dir, 'organisation-mailboxes') };
    // "valid/<mailbox>": found only when Dovecot expands %{cert} to "valid" (verified certificate).
    fs.writeFileSync(organisation.mailboxesFile, organisationMailboxes.map((a) => `valid/${a}:::::::nopassword=y\n`).join(''));
  }

  const pf: PostfixLayout = {
    configDir: path.join(dir, 'postfix'),
    queueDir: path.join(dir, 'postfix-queue'),
    dataDir: path.join(dir, 'postfix-data'),
    logFile: path.join(dir, 'postfix.log'),
    certFile: tls.certFile,
    keyFile: tls.keyFile,
    submissionPort,
    lmtpPort,
    saslSocket,
    domains,
    mailboxesFile: path.join(dir, 'postfix', 'mailboxes'),
    senderBccFile: path.join(dir, 'postfix', 'sender_bcc'),
    recipientAccessFile: path.join(dir, 'postfix', 'recipient_access'),
    ...(pki ? { organisation: { caFile: pki.caBundleFile, authRequiredFile: path.join(dir, 'postfix', 'auth_required') } } : {}),
  };
  fs.mkdirSync(pf.configDir, { recursive: true });
  fs.mkdirSync(pf.queueDir, { recursive: true });
  fs.mkdirSync(pf.dataDir, { recursive: true });
  const postfixUid = uidOf('postfix');
  fs.chownSync(pf.dataDir, postfixUid, postfixUid);
  fs.writeFileSync(path.join(pf.configDir, 'main.cf'), postfixMainCf(pf));
  fs.writeFileSync(path.join(pf.configDir, 'master.cf'), postfixMasterCf(pf));
  fs.writeFileSync(pf.mailboxesFile, mailboxes.map((a) => `${a} ok`).join('\n') + '\n');
  if (pf.organisation) fs.writeFileSync(pf.organisation.authRequiredFile, '127.0.0.1 530 5.7.0 Authentication required: log in or present a valid client certificate\n');
  const withDetail = (a: string) => a.replace('@', '+Sent@');
  const copied = options.serverSentCopy === false ? [] : Array.isArray(options.serverSentCopy) ? options.serverSentCopy : mailboxes;
  fs.writeFileSync(pf.senderBccFile, copied.map((a) => `${a} ${withDetail(a)}\n`).join(''));
  fs.writeFileSync(pf.recipientAccessFile, `${tempfailAddress} 451 4.3.0 Service temporairement indisponible, try again in 2 seconds\n${refusedAddress} 550 5.1.1 Destinataire inconnu\n`);
  // Creates the queue sub-directories with the ownership Postfix wants.
  execFileSync(POSTFIX, ['-c', pf.configDir, 'check'], { stdio: 'pipe' });

  let dovecot: Daemon | null = null;
  let postfix: Daemon | null = null;
  let generation = 0;

  const start = async () => {
    generation += 1;
    const baseDir = path.join(dir, `dovecot-run-${generation}`);
    const logFile = path.join(dir, 'dovecot.log');
    const conf = path.join(dir, 'dovecot.conf');
    fs.writeFileSync(conf, dovecotConf({ baseDir, stateDir, mailRoot, usersFile, logFile, certFile: tls.certFile, keyFile: tls.keyFile, imapPort, lmtpPort, saslSocket, mailUser: 'mail', ...(oauth ? { oauth } : {}), ...(organisation ? { organisation } : {}) }));
    fs.rmSync(saslSocket, { force: true });
    dovecot = startDaemon(DOVECOT, ['-F', '-c', conf], 'dovecot', path.join(dir, 'dovecot.out'));
    await waitForPort(imapPort, { what: 'dovecot imap' });
    await waitForPort(lmtpPort, { what: 'dovecot lmtp' });
    postfix = startDaemon(POSTFIX_MASTER, ['-c', pf.configDir, '-d'], 'postfix', path.join(dir, 'postfix.out'));
    await waitForPort(submissionPort, { what: 'postfix submission', timeoutMs: 15_000 });
  };
  const stop = async () => {
    await Promise.all([postfix?.stop(), dovecot?.stop()]);
    postfix = null;
    dovecot = null;
    await waitForPort(submissionPort, { closed: true, what: 'postfix stop' });
    await waitForPort(imapPort, { closed: true, what: 'dovecot stop' });
  };

  try {
    await start();
  } catch (error) {
    await stop().catch(() => undefined);
    const logs = ['dovecot.log', 'dovecot.out', 'postfix.log', 'postfix.out'].map((f) => path.join(dir, f)).filter((f) => fs.existsSync(f)).map((f) => `--- ${path.basename(f)}\n${fs.readFileSync(f, 'utf8').split('\n').slice(-12).join('\n')}`);
    throw new Error(`${(error as Error).message}\n${logs.join('\n')}`, { cause: error });
  }

  return {
    host: '127.0.0.1',
    imapPort,
    submissionPort,
    tls,
    users,
    tempfailAddress,
    refusedAddress,
    get running() {
      return dovecot !== null;
    },
    stop,
    start,
    organisationCertificate(address, variant = 'valid') {
      if (!pki) throw new Error('test mail server: started without organisationMailboxes');
      return pki.issue(address, variant);
    },
    async restart() {
      await stop();
      await start();
    },
  };
}
