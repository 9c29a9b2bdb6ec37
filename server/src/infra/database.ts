// Opens the ORM on PostgreSQL and brings the schema up to date with the committed migrations.
import { MikroORM } from '@mikro-orm/postgresql';
import { ormOptions } from '../mikro-orm.config.js';

export type Orm = MikroORM;

export async function openDatabase(url: string, { migrate = true } = {}): Promise<Orm> {
  const orm = await MikroORM.init(ormOptions(url));
  if (migrate) await orm.migrator.up();
  return orm;
}
