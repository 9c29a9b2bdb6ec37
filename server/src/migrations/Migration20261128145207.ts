import { Migration } from '@mikro-orm/migrations';

export class Migration20261128145207 extends Migration {

  override name = 'Migration20261128145207';

  override up(): void | Promise<void> {
    this.addSql(`create index "audit_events_at_index" on "audit_events" ("at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "audit_events_at_index";`);
  }

}
