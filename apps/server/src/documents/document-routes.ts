import { documentCreateSchema, documentUpdateSchema, listQuerySchema } from '@wikisync/shared';
import type { AppDeps } from '../context.js';
import { entityRoutes } from '../http/entity-routes.js';
import {
  createDocument,
  deleteDocument,
  getVersionedDocument,
  listDocuments,
  updateDocument,
} from './document-store.js';

export function documentRoutes({ db }: AppDeps) {
  return entityRoutes(
    db,
    { query: listQuerySchema, create: documentCreateSchema, update: documentUpdateSchema },
    {
      list: listDocuments,
      create: createDocument,
      get: getVersionedDocument,
      update: updateDocument,
      remove: deleteDocument,
    },
  );
}
