import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentTypeOf, resolveStaticFile } from './staticFiles.js';

const root = path.resolve('/srv/renderer');

describe('resolveStaticFile', () => {
  it('maps files inside the folder and falls back to index.html for screens', () => {
    expect(resolveStaticFile(root, '/assets/app.js')).toBe(path.join(root, 'assets', 'app.js'));
    expect(resolveStaticFile(root, '/')).toBe(path.join(root, 'index.html'));
    expect(resolveStaticFile(root, '/patients')).toBe(path.join(root, 'index.html'));
  });

  it('refuses traversal in every spelling', () => {
    for (const p of ['/../etc/passwd', '/..%2f..%2fetc/passwd', '/%2e%2e/x.js', '/a/..%5c..%5cx.js', '/x%00.js', '/%E0%A4%A']) {
      expect(resolveStaticFile(root, p)).toBeNull();
    }
  });

  it('names content types', () => {
    expect(contentTypeOf('a.js')).toContain('javascript');
    expect(contentTypeOf('a.unknown')).toBe('application/octet-stream');
  });
});
