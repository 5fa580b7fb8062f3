export { PscError, pscErrorCodes, type PscErrorCode } from './errors.js';
export {
  createPscClient,
  checkProviderUrl,
  checkRedirectUri,
  PSC_ACR_LEVELS,
  PSC_DEFAULT_ACR,
  PSC_DEFAULT_SCOPE,
  type PendingSignIn,
  type PscClient,
  type PscClientOptions,
  type PscIdentity,
  type PscSession,
  type PscSessionState,
} from './pscClient.js';
