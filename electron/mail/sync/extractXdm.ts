import type { XdmFound } from '../../vault/repo/mailParse.js';
import { readXdm } from '../xdm/readXdm.js';
import { XdmError } from '../xdm/xdmErrors.js';

/**
 * An IHE_XDM.ZIP attached to a received message (IHE ITI-32), read with `readXdm` (hostile
 * archives refused): its documents (title, type code) and the patient ids of METADATA.XML,
 * for the patient matcher (`match = 'pending'`), or `invalid` with the French reason.
 */
export const XDM_FILENAME = /^IHE_XDM\.ZIP$/i;

export function findXdm(attachments: readonly { readonly filename?: string | undefined; readonly content: Buffer }[]): Buffer | null {
  return attachments.find((a) => a.filename !== undefined && XDM_FILENAME.test(a.filename.trim()))?.content ?? null;
}

export async function extractXdm(zip: Buffer): Promise<{ found: XdmFound; code: string | null }> {
  try {
    const content = await readXdm(zip);
    const patientIds = new Set<string>();
    for (const subset of content.subsets) {
      if (subset.submissionSetPatientId !== null) patientIds.add(subset.submissionSetPatientId);
      for (const d of subset.documents) if (d.patientId !== null) patientIds.add(d.patientId);
    }
    const documents = content.documents.slice(0, 50).map((d) => ({
      title: (d.title ?? d.path.slice(d.path.lastIndexOf('/') + 1)).slice(0, 500),
      typeCode: d.typeCode?.code.slice(0, 64) ?? null,
      mimeType: d.mimeType,
      uniqueId: d.uniqueId,
      patientId: d.patientId,
    }));
    return { found: { documents, patientIds: [...patientIds], match: 'pending', message: null }, code: null };
  } catch (error) {
    const e = error instanceof XdmError ? error : new XdmError('not-a-zip', 'unexpected');
    return { found: { documents: [], patientIds: [], match: 'invalid', message: e.userMessage }, code: error instanceof XdmError ? e.code : 'unexpected' };
  }
}
