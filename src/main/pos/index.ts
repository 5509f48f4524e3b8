export { startPosApi, POS_BODY_LIMIT, type PosApi, type PosApiOptions } from './api';
export {
  posToken,
  readPosConfig,
  PosConfigError,
  POS_DEFAULT_PORT,
  POS_TOKEN_FILE,
  type PosConfig,
} from './config';
export { openApiDocument } from './openapi';
export { createSalesStore, canonicalJson, type SalesStore, type StoredSale } from './sales-store';
export { createPosService, PosFailure, type PosService } from './service';
