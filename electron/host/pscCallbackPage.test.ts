import { describe, expect, it } from 'vitest';
import { pscCallbackPage } from './pscCallbackPage.js';

describe('pscCallbackPage', () => {
  it('is a French page with no script, whatever the message holds', () => {
    const html = pscCallbackPage('Connexion non aboutie', ['<script>alert("x")</script> & co', 'Vous pouvez fermer cette fenêtre.']);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('<title>Connexion non aboutie — Caducée</title>');
    expect(html).toContain('<h1>Connexion non aboutie</h1>');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62; &#38; co');
    expect(html).toContain('<p>Vous pouvez fermer cette fenêtre.</p>');
  });
});
