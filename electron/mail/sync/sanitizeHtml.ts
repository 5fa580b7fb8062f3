import createDOMPurify, { type DOMPurify, type WindowLike } from 'dompurify';
import { JSDOM } from 'jsdom';

/**
 * A mail's HTML as the reading pane may show it: DOMPurify (on jsdom, in Node) removes scripts,
 * event handlers, `javascript:` links, forms, frames, SVG/MathML; then every reference that
 * would make the viewer fetch something (remote images, `srcset`, `background`, `poster`, CSS
 * `url()` and `@import`) is blocked. An image's address is kept in `data-blocked-src` so the UI
 * can offer "Afficher les images" without re-reading the message. `data:` and `cid:` stay (they
 * come with the message itself).
 */
export interface SanitizedHtml {
  readonly html: string;
  /** How many remote references were blocked (0: nothing to offer). */
  readonly remoteBlocked: number;
}

const URL_ATTRIBUTES = ['src', 'srcset', 'background', 'poster', 'lowsrc', 'dynsrc', 'longdesc'] as const;
const FORBID_TAGS = ['form', 'input', 'button', 'textarea', 'select', 'option', 'base', 'meta', 'link', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'portal'];

/** Content that travels with the message: never remote. */
function isEmbedded(url: string): boolean {
  return /^\s*(data:|cid:)/i.test(url);
}

const CSS_URL = /url\s*\(\s*(['"]?)(.*?)\1\s*\)/gi;
const CSS_IMPORT = /@import\b[^;]*;?/gi;
const CSS_IMAGE_SET = /(?:-webkit-)?image-set\s*\(/gi;

function blockCss(css: string, count: () => void): string {
  let out = css.replace(CSS_IMPORT, () => {
    count();
    return '';
  });
  out = out.replace(CSS_URL, (whole: string, _q: string, url: string) => {
    if (isEmbedded(url)) return whole;
    count();
    return 'none';
  });
  // image-set("https://…" 1x) needs no url(): neutralise the function itself.
  out = out.replace(CSS_IMAGE_SET, () => {
    count();
    return 'blocked-image-set(';
  });
  return out;
}

let purifier: DOMPurify | null = null;
let blocked = 0;

function getPurifier(): DOMPurify {
  if (purifier !== null) return purifier;
  const { window } = new JSDOM('<!doctype html><html><body></body></html>');
  const p = createDOMPurify(window as unknown as WindowLike);
  const count = () => {
    blocked += 1;
  };
  p.addHook('uponSanitizeElement', (node, data) => {
    if (data.tagName === 'style' && node.textContent !== null) node.textContent = blockCss(node.textContent, count);
  });
  p.addHook('afterSanitizeAttributes', (node) => {
    if (!('getAttribute' in node)) return;
    const el = node as unknown as Element;
    for (const name of URL_ATTRIBUTES) {
      const value = el.getAttribute(name);
      if (value === null || isEmbedded(value)) continue;
      el.removeAttribute(name);
      if (value.trim() === '') continue;
      count();
      if (name === 'src' || name === 'srcset' || name === 'background' || name === 'poster') el.setAttribute(`data-blocked-${name}`, value);
    }
    const style = el.getAttribute('style');
    if (style !== null) {
      const cleaned = blockCss(style, count);
      if (cleaned !== style) el.setAttribute('style', cleaned);
    }
    if (el.tagName === 'A' && el.hasAttribute('href')) {
      // Opened outside the app by the host, never inside the reading pane, never with a referrer.
      el.setAttribute('rel', 'noopener noreferrer');
      el.setAttribute('target', '_blank');
    }
  });
  purifier = p;
  return p;
}

export function sanitizeMailHtml(html: string): SanitizedHtml {
  const p = getPurifier();
  blocked = 0;
  const clean = p.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS,
    FORBID_ATTR: ['ping', 'formaction', 'action'],
    ALLOW_UNKNOWN_PROTOCOLS: false,
    ADD_ATTR: ['target'],
    FORCE_BODY: true,
  });
  return { html: clean, remoteBlocked: blocked };
}
