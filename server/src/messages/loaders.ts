// Per-request batch loaders, so lists never cost a query per row.
import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import type { Viewer } from '../accounts/accounts.service.js';
import { FileDownload } from '../files/file-download.entity.js';
import type { StoredFile } from '../files/stored-file.entity.js';

export interface DownloadRecord {
  file: StoredFile;
  at: Date;
}

export interface Loaders {
  /** Key `messageId:userId` → first complete download of each file by that user, for the sender only. */
  downloads: DataLoader<string, DownloadRecord[]>;
}

export function createLoaders(em: EntityManager, viewer: Viewer | null): Loaders {
  return {
    downloads: new DataLoader(async (keys: readonly string[]) => {
      const byKey = new Map<string, Map<string, DownloadRecord>>();
      if (viewer) {
        const messageIds = [...new Set(keys.map((k) => k.split(':')[0]))];
        const rows = await em.find(
          FileDownload,
          { file: { message: { id: { $in: messageIds }, sender: viewer.user.id } } },
          { populate: ['file'], orderBy: { completedAt: 'asc' } },
        );
        for (const row of rows) {
          const key = `${row.file.message.id}:${row.user.id}`;
          const perFile = byKey.get(key) ?? new Map<string, DownloadRecord>();
          if (!perFile.has(row.file.id)) perFile.set(row.file.id, { file: row.file, at: row.completedAt });
          byKey.set(key, perFile);
        }
      }
      return keys.map((key) => [...(byKey.get(key)?.values() ?? [])]);
    }),
  };
}
