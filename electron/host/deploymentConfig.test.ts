import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultDeploymentPath, DeploymentFileError, endpointsFor, loadDeploymentConfig } from './deploymentConfig.js';

const write = (content: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caducee-deploy-'));
  const file = path.join(dir, 'deployment.json');
  fs.writeFileSync(file, content);
  return file;
};

const mail = {
  address: 'dr.martin@medecin.mssante.fr',
  submission: { host: 'smtp.operateur.example', port: 587 },
  imap: { host: 'imap.operateur.example', port: 143 },
  auth: { type: 'psc', user: 'dr.martin@medecin.mssante.fr' },
  productReference: 'CADUCEE-0.1',
};

describe('deployment file', () => {
  it('is optional: no file, nothing deployed', () => {
    expect(loadDeploymentConfig(undefined)).toEqual({});
    expect(loadDeploymentConfig('/nonexistent/caducee/deployment.json')).toEqual({});
  });

  it('reads the mode and the endpoints, and demo mode ignores the endpoints', () => {
    const file = write(JSON.stringify({ mode: 'normal', mail, psc: { issuer: 'https://auth.esw.esante.gouv.fr/auth/realms/esante-wallet', clientId: 'caducee' }, directory: { downloadUrl: 'https://annuaire.example/extraction.zip' } }));
    const config = loadDeploymentConfig(file);
    expect(config.mode).toBe('normal');
    expect(endpointsFor('normal', config)).toMatchObject({ mail: { address: mail.address, auth: { type: 'psc' } }, psc: { clientId: 'caducee' }, directory: { downloadUrl: 'https://annuaire.example/extraction.zip' } });
    expect(endpointsFor('demo', config)).toEqual({});
  });

  it('refuses an unreadable or non-conforming file, naming the fields but never their values', () => {
    expect(() => loadDeploymentConfig(write('{ not json'))).toThrow(DeploymentFileError);
    const secret = 'mot-de-passe-secret';
    const file = write(JSON.stringify({ mail: { ...mail, auth: { type: 'password', user: 'x', password: secret, extra: 1 } } }));
    let message = '';
    try {
      loadDeploymentConfig(file);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/non conforme \(mail\.auth/);
    expect(message).not.toContain(secret);
    expect(() => loadDeploymentConfig(write(JSON.stringify({ endpoint: 'https://x' })))).toThrow(/non conforme/);
  });

  it('sits beside the machine policy on each OS', () => {
    expect(defaultDeploymentPath('linux')).toBe('/etc/caducee/deployment.json');
    expect(defaultDeploymentPath('win32', { ProgramData: 'C:\\ProgramData' })).toBe('C:\\ProgramData\\Caducee\\deployment.json');
    expect(defaultDeploymentPath('win32', {})).toBeUndefined();
  });
});
