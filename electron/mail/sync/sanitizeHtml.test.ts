import { describe, expect, it } from 'vitest';
import { sanitizeMailHtml } from './sanitizeHtml.js';

describe('sanitizeMailHtml', () => {
  it('removes scripts, handlers and javascript: links, blocks remote images and keeps their address aside', () => {
    const { html, remoteBlocked } = sanitizeMailHtml(`<p onclick="x()">Bonjour</p><script>alert(1)</script>
      <img src="https://tracker.example/p.gif" onerror="alert(2)" alt="logo">
      <a href="javascript:alert(3)">lien</a><a href="https://ans.sante.fr">ANS</a>
      <img src="data:image/png;base64,iVBORw0KGgo=" alt="inline"><img src="cid:part1@x" alt="cid">`);
    expect(html).not.toMatch(/script|onerror|onclick|javascript:/i);
    expect(html).toContain('data-blocked-src="https://tracker.example/p.gif"');
    expect(html).not.toMatch(/\ssrc="https:/);
    expect(html).toContain('src="data:image/png;base64,iVBORw0KGgo="');
    expect(html).toContain('src="cid:part1@x"');
    expect(html).toContain('href="https://ans.sante.fr"');
    expect(html).toContain('rel="noopener noreferrer"');
    expect(remoteBlocked).toBe(1);
  });

  it('blocks remote CSS: url(), @import, image-set, background, srcset', () => {
    const { html, remoteBlocked } = sanitizeMailHtml(`<style>@import url("http://x/y.css"); body { background: url(https://x/bg.png) }</style>
      <div style="background-image: url('http://x/a.png'); color: red">t</div>
      <table background="http://x/t.png"><tr><td>c</td></tr></table>
      <img srcset="http://x/1.png 1x, http://x/2.png 2x" alt="s">
      <div style="background: url(data:image/gif;base64,R0lGOD==)">ok</div>`);
    expect(html).not.toMatch(/https?:\/\/x\/(y\.css|bg\.png)/);
    expect(html).not.toMatch(/url\(['"]?http/);
    expect(html).not.toMatch(/\sbackground="/);
    expect(html).not.toMatch(/\ssrcset="/);
    expect(html).toContain('color: red');
    expect(html).toContain('url(data:image/gif;base64,R0lGOD==)');
    expect(remoteBlocked).toBeGreaterThanOrEqual(5);
  });

  it('drops forms, frames and SVG payloads', () => {
    const { html } = sanitizeMailHtml(`<form action="https://phish.example"><input name="pin"></form><iframe src="https://x"></iframe>
      <svg><image href="https://x/i.png"/><script>1</script></svg><object data="https://x/o"></object>`);
    expect(html).not.toMatch(/form|input|iframe|svg|object|https:\/\/x/i);
  });
});
