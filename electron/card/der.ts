/**
 * A minimal DER reader: enough to walk X.509 certificates and CRLs, keeping the exact bytes of
 * every element (a CRL signature is checked over the TBS bytes as received, not re-encoded).
 * Throws DerError on anything malformed; callers turn that into a refusal, never a crash.
 */

export class DerError extends Error {
  override name = 'DerError';
}

export interface DerNode {
  /** Full first identifier octet (class + constructed bit + low tag number). */
  readonly tag: number;
  readonly tagClass: 'universal' | 'application' | 'context' | 'private';
  readonly constructed: boolean;
  readonly tagNumber: number;
  /** The whole element (header + content). */
  readonly raw: Buffer;
  readonly content: Buffer;
  readonly children: DerNode[];
}

const CLASSES = ['universal', 'application', 'context', 'private'] as const;
const MAX_DEPTH = 32;

function readNode(buf: Buffer, offset: number, depth: number): { node: DerNode; next: number } {
  if (depth > MAX_DEPTH) throw new DerError('nesting too deep');
  if (offset + 2 > buf.length) throw new DerError('truncated header');
  const first = buf[offset] as number;
  let pos = offset + 1;
  let tagNumber = first & 0x1f;
  if (tagNumber === 0x1f) {
    tagNumber = 0;
    for (let i = 0; ; i += 1) {
      if (pos >= buf.length || i > 4) throw new DerError('bad high tag');
      const b = buf[pos++] as number;
      tagNumber = tagNumber * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
  }
  if (pos >= buf.length) throw new DerError('truncated length');
  const lenByte = buf[pos++] as number;
  let length: number;
  if (lenByte < 0x80) {
    length = lenByte;
  } else {
    const count = lenByte & 0x7f;
    if (count === 0) throw new DerError('indefinite length is not DER');
    if (count > 4) throw new DerError('length too large');
    length = 0;
    for (let i = 0; i < count; i += 1) {
      if (pos >= buf.length) throw new DerError('truncated length');
      length = length * 256 + (buf[pos++] as number);
    }
  }
  const end = pos + length;
  if (end > buf.length) throw new DerError('truncated content');
  const constructed = (first & 0x20) !== 0;
  const content = buf.subarray(pos, end);
  const children: DerNode[] = [];
  if (constructed) {
    let p = 0;
    while (p < content.length) {
      const child = readNode(content, p, depth + 1);
      children.push(child.node);
      p = child.next;
    }
  }
  return {
    node: {
      tag: first,
      tagClass: CLASSES[first >> 6] as DerNode['tagClass'],
      constructed,
      tagNumber,
      raw: buf.subarray(offset, end),
      content,
      children,
    },
    next: end,
  };
}

/** Parses exactly one DER element filling `buf`. */
export function parseDer(buf: Buffer): DerNode {
  const { node, next } = readNode(buf, 0, 0);
  if (next !== buf.length) throw new DerError('trailing bytes');
  return node;
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
  PRINTABLE: 0x13,
  T61: 0x14,
  IA5: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  NUMERIC: 0x12,
  UNIVERSAL_STRING: 0x1c,
  BMP: 0x1e,
  VISIBLE: 0x1a,
} as const;

export function expectTag(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node || node.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}`);
  return node;
}

export function child(node: DerNode, index: number, what: string): DerNode {
  const c = node.children[index];
  if (!c) throw new DerError(`${what}: missing element ${index}`);
  return c;
}

export function decodeOid(node: DerNode): string {
  const bytes = expectTag(node, TAG.OID, 'OID').content;
  if (bytes.length === 0) throw new DerError('empty OID');
  const parts: number[] = [];
  let value = 0;
  for (const b of bytes) {
    value = value * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      if (parts.length === 0) {
        const firstArc = value < 40 ? 0 : value < 80 ? 1 : 2;
        parts.push(firstArc, value - firstArc * 40);
      } else {
        parts.push(value);
      }
      value = 0;
    }
  }
  return parts.join('.');
}

/** INTEGER as lowercase hex without leading zero bytes (certificate serials). */
export function decodeIntegerHex(node: DerNode): string {
  let bytes = expectTag(node, TAG.INTEGER, 'INTEGER').content;
  while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
  return bytes.toString('hex');
}

export function decodeSmallInteger(node: DerNode): number {
  const bytes = expectTag(node, TAG.INTEGER, 'INTEGER').content;
  if (bytes.length > 6) throw new DerError('integer too large');
  let value = 0;
  for (const b of bytes) value = value * 256 + b;
  return value;
}

export function decodeTime(node: DerNode): Date {
  const s = node.content.toString('latin1');
  let m: RegExpExecArray | null;
  if (node.tag === TAG.UTC_TIME) {
    m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s);
    if (!m) throw new DerError('bad UTCTime');
    const yy = Number(m[1]);
    const year = yy >= 50 ? 1900 + yy : 2000 + yy;
    return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  }
  if (node.tag === TAG.GENERALIZED_TIME) {
    m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(s);
    if (!m) throw new DerError('bad GeneralizedTime');
    return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
  }
  throw new DerError('not a time');
}

export function decodeString(node: DerNode): string {
  const c = node.content;
  switch (node.tag) {
    case TAG.UTF8:
      return c.toString('utf8');
    case TAG.PRINTABLE:
    case TAG.IA5:
    case TAG.NUMERIC:
    case TAG.VISIBLE:
      return c.toString('latin1');
    case TAG.T61:
      return c.toString('latin1');
    case TAG.BMP: {
      const swapped = Buffer.from(c);
      swapped.swap16();
      return swapped.toString('utf16le');
    }
    case TAG.UNIVERSAL_STRING: {
      let out = '';
      for (let i = 0; i + 3 < c.length; i += 4) out += String.fromCodePoint(c.readUInt32BE(i));
      return out;
    }
    default:
      return c.toString('hex');
  }
}

/** BIT STRING → its bits, bit 0 first (key usage numbering). */
export function decodeBits(node: DerNode): boolean[] {
  const c = expectTag(node, TAG.BIT_STRING, 'BIT STRING').content;
  const unused = c[0] ?? 0;
  const bits: boolean[] = [];
  for (let i = 1; i < c.length; i += 1) {
    const byte = c[i] as number;
    const count = i === c.length - 1 ? 8 - unused : 8;
    for (let b = 0; b < count; b += 1) bits.push((byte & (0x80 >> b)) !== 0);
  }
  return bits;
}

/** Depth-first search for nodes matching a predicate (e.g. URIs in CRL distribution points). */
export function findAll(node: DerNode, predicate: (n: DerNode) => boolean): DerNode[] {
  const out: DerNode[] = [];
  const walk = (n: DerNode) => {
    if (predicate(n)) out.push(n);
    n.children.forEach(walk);
  };
  walk(node);
  return out;
}
