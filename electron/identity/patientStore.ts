import type { VaultApi } from '../vault/server.js';

/**
 * The vault methods the registry uses: the worker-backed vault in the app, the in-process server
 * wrapped in promises in unit tests (see `asyncPatientStore`).
 */
export type PatientStore = Pick<
  VaultApi,
  | 'patientById'
  | 'patientInsert'
  | 'patientEdit'
  | 'patientRecordInsi'
  | 'patientRecordDocumentCheck'
  | 'patientHistory'
  | 'patientSearch'
  | 'patientCandidates'
  | 'patientMerge'
>;

type SyncStore = { [K in keyof PatientStore]: (...args: Parameters<PatientStore[K]>) => Awaited<ReturnType<PatientStore[K]>> };

/** Wraps the synchronous repository (createVaultServer over an open db) as a PatientStore. */
export function asyncPatientStore(server: SyncStore): PatientStore {
  const wrap =
    <A extends unknown[], R>(fn: (...a: A) => R) =>
    async (...a: A): Promise<R> =>
      // A structured clone, as the worker boundary does: no shared references in tests either.
      structuredClone(fn(...a));
  return {
    patientById: wrap(server.patientById),
    patientInsert: wrap(server.patientInsert),
    patientEdit: wrap(server.patientEdit),
    patientRecordInsi: wrap(server.patientRecordInsi),
    patientRecordDocumentCheck: wrap(server.patientRecordDocumentCheck),
    patientHistory: wrap(server.patientHistory),
    patientSearch: wrap(server.patientSearch),
    patientCandidates: wrap(server.patientCandidates),
    patientMerge: wrap(server.patientMerge),
  };
}
