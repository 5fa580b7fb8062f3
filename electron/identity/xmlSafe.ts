import { XMLParser } from 'fast-xml-parser';

/**
 * XML from outside (INSi answers, XDM METADATA.XML, CDA) read without any DTD processing: a
 * DOCTYPE is refused outright (no entity expansion, no "billion laughs", no external fetch), the
 * parser runs with `processEntities: false`, and only the five predefined entities and numeric
 * character references are decoded here, by one non-recursive pass.
 */
export class UnsafeXmlError extends Error {
  override name = 'UnsafeXmlError';
  constructor(readonly reason: 'doctype' | 'too-large' | 'malformed') {
    super(`refused XML: ${reason}`);
  }
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function decodeXmlText(value: string): string {
  return value.replace(/&(lt|gt|amp|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});/g, (whole, name: string) => {
    if (name.startsWith('#x')) return safeCodePoint(parseInt(name.slice(2), 16)) ?? whole;
    if (name.startsWith('#')) return safeCodePoint(parseInt(name.slice(1), 10)) ?? whole;
    return PREDEFINED[name] ?? whole;
  });
}

function safeCodePoint(cp: number): string | null {
  return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : null;
}

export interface SafeXmlOptions {
  /** Element names (without prefix) always returned as arrays. */
  readonly arrays?: readonly string[];
  readonly maxBytes?: number;
}

/**
 * Parses to plain objects: namespace prefixes removed, attributes under `@name`, text of an
 * element with attributes under `#text`, every value a string (codes like "00" stay strings).
 */
export function parseXmlSafely(xml: string, options: SafeXmlOptions = {}): Record<string, unknown> {
  if (xml.length > (options.maxBytes ?? 2_000_000)) throw new UnsafeXmlError('too-large');
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new UnsafeXmlError('doctype');
  const arrays = new Set(options.arrays ?? []);
  const parser = new XMLParser({
    processEntities: false,
    removeNSPrefix: true,
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    textNodeName: '#text',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    isArray: (name) => arrays.has(name),
    tagValueProcessor: (_name, value) => decodeXmlText(value),
    attributeValueProcessor: (_name, value) => decodeXmlText(value),
  });
  try {
    const parsed = parser.parse(xml, true) as unknown;
    if (typeof parsed !== 'object' || parsed === null) throw new UnsafeXmlError('malformed');
    return parsed as Record<string, unknown>;
  } catch (error) {
    if (error instanceof UnsafeXmlError) throw error;
    throw new UnsafeXmlError('malformed');
  }
}

/** Walks `obj.a.b.c`, returning undefined on the first missing step. */
export function pick(obj: unknown, ...path: string[]): unknown {
  let cur: unknown = obj;
  for (const step of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[step];
  }
  return cur;
}

/** The text of an element that may carry attributes (`{ '#text': 'x', '@a': … }`) or none. */
export function text(node: unknown): string | undefined {
  if (typeof node === 'string') return node;
  if (typeof node === 'number') return String(node);
  if (typeof node === 'object' && node !== null && '#text' in node) return text((node as Record<string, unknown>)['#text']);
  return undefined;
}

export function asArray(node: unknown): unknown[] {
  return node === undefined || node === null ? [] : Array.isArray(node) ? node : [node];
}
