// Reads and changes the six e-mail switches; users without a row have every switch on.
import type { EntityManager } from '@mikro-orm/postgresql';
import { User } from '../accounts/user.entity.js';
import { Preferences, type PreferenceKey } from './preferences.entity.js';

export class PreferencesService {
  async get(em: EntityManager, userId: string): Promise<Preferences> {
    return (await em.findOne(Preferences, { user: userId })) ?? em.create(Preferences, { user: em.getReference(User, userId) }, { persist: false });
  }

  async update(em: EntityManager, userId: string, changes: Partial<Record<PreferenceKey, boolean>>): Promise<Preferences> {
    if (Object.keys(changes).length === 0) return this.get(em, userId);
    await em.upsert(Preferences, { user: em.getReference(User, userId), ...changes } as Preferences, { onConflictFields: ['user'], onConflictAction: 'merge', onConflictMergeFields: Object.keys(changes) as PreferenceKey[] });
    em.clear();
    return this.get(em, userId);
  }

  /** Of `userIds`, those who want mail of kind `key`. */
  async wanting(em: EntityManager, userIds: string[], key: PreferenceKey): Promise<Set<string>> {
    const off = await em.find(Preferences, { user: { $in: userIds }, [key]: false });
    const refused = new Set(off.map((p) => p.user.id));
    return new Set(userIds.filter((id) => !refused.has(id)));
  }
}
