import { describe, expect, it } from 'vitest';
import { wireDocument, wirePushRow } from './wire-document';

describe('wireDocument', () => {
  it('drops the fields RxDB keeps for itself and nothing else', () => {
    const doc = { uid: 'a', title: 't', _deleted: false, _attachments: {}, _meta: { lwt: 1 }, _rev: '1-x' };
    expect(wireDocument(doc)).toEqual({ uid: 'a', title: 't', _deleted: false });
    expect(doc).toHaveProperty('_attachments');
  });

  it('returns a clean document as it is', () => {
    const doc = { uid: 'a', _deleted: false };
    expect(wireDocument(doc)).toBe(doc);
  });

  it('cleans both states of a push row and keeps a missing base missing', () => {
    const row = wirePushRow({
      newDocumentState: { uid: 'a', _deleted: false },
      assumedMasterState: { uid: 'a', _deleted: false, _attachments: {} },
    });
    expect(row.assumedMasterState).toEqual({ uid: 'a', _deleted: false });
    const created: { newDocumentState: object; assumedMasterState?: object } = {
      newDocumentState: { uid: 'b' },
    };
    expect(wirePushRow(created).assumedMasterState).toBeUndefined();
  });
});
