/**
 * How Caducée reaches an operator's submission and IMAP servers. Plain data (settings +
 * machine policy build it); the secrets come from callbacks so that a token is fetched when a
 * connection opens, never stored here.
 */
export type MailboxAuth =
  | { readonly type: 'password'; readonly user: string; readonly password: () => Promise<string> }
  // Pro Santé Connect access token (personal MSSanté mailbox), SASL XOAUTH2.
  | { readonly type: 'xoauth2'; readonly user: string; readonly accessToken: () => Promise<string> }
  // Organisation mailbox: IGC-Santé software certificate presented in the TLS handshake.
  | { readonly type: 'certificate'; readonly user: string; readonly certPem: () => Promise<string>; readonly keyPem: () => Promise<string> };

export interface EndpointSettings {
  readonly host: string;
  readonly port: number;
  /** The operator's CA (PEM). Absent: the system store. Never "accept any certificate". */
  readonly caPem?: string;
  /** TLS server name when `host` is an address (tests: 'localhost'). */
  readonly servername?: string;
}

export interface MailAccountSettings {
  /** The sender address; also the outbox ordering/pausing key of its jobs. */
  readonly address: string;
  readonly submission: EndpointSettings;
  readonly imap: EndpointSettings;
  readonly auth: MailboxAuth;
  /**
   * Whether the operator files its own copy of each accepted message in the sender's mailbox
   * (Postfix sender_bcc_maps and the like). If not, Caducée appends one with IMAP APPEND.
   */
  readonly serverFilesSentCopy: boolean;
  /** The mailbox holding that copy; default: the mailbox flagged \Sent, else "Sent". */
  readonly sentFolder?: string;
  /** Pooled SMTP connections (default 5: ~300 msg/s measured, vs 19 msg/s unpooled). */
  readonly maxConnections?: number;
}
