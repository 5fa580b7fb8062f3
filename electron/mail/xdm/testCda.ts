/**
 * Test support (imported by tests only): the INS of the ANS test patient ECETINSI and a CDA R2
 * level-1 document about him with a tiny PDF, for XDM tests of building, reading and syncing.
 */
export const INS_ECETINSI = { value: '109076322083489', oid: '1.2.250.1.213.1.4.8' } as const;

/** A CDA R2 level-1 header with a tiny PDF, for `recordTarget` INS `ins` (or none). */
export function testCda(options: { ins?: { value: string; oid: string } | null; code?: string; id?: string } = {}): Buffer {
  const ins = options.ins === undefined ? INS_ECETINSI : options.ins;
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n').toString('base64');
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3">
  <realmCode code="FR"/>
  <typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>
  <templateId root="2.16.840.1.113883.2.8.2.1"/>
  <templateId root="1.2.250.1.213.1.1.1.1"/>
  <templateId root="1.3.6.1.4.1.19376.1.2.20"/>
  <id root="${options.id ?? '1.2.250.1.999.1.1.20261128.1'}"/>
  <code code="${options.code ?? '11502-2'}" displayName="CR d'examens biologiques" codeSystem="2.16.840.1.113883.6.1" codeSystemName="LOINC"/>
  <title>Compte rendu d'examens biologiques &amp; commentaires</title>
  <effectiveTime value="20261128101500+0100"/>
  <confidentialityCode code="N" codeSystem="2.16.840.1.113883.5.25"/>
  <languageCode code="fr-FR"/>
  <recordTarget><patientRole>${ins === null ? '<id root="1.2.250.1.999.9" extension="IPP-42"/>' : `<id root="${ins.oid}" extension="${ins.value}"/>`}
    <patient><name><given>PIERRE-ALAIN</given><family qualifier="BR">ECETINSI</family></name>
      <administrativeGenderCode code="M" codeSystem="2.16.840.1.113883.5.1"/><birthTime value="20090714"/></patient>
  </patientRole></recordTarget>
  <component><nonXMLBody><text mediaType="application/pdf" representation="B64">${pdf}</text></nonXMLBody></component>
</ClinicalDocument>
`,
    'utf8',
  );
}
