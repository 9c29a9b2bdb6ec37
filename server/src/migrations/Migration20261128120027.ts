import { Migration } from '@mikro-orm/migrations';

export class Migration20261128120027 extends Migration {

  override name = 'Migration20261128120027';

  override up(): void | Promise<void> {
    this.addSql(`create table "tus_uploads" ("id" uuid not null, "file_id" uuid not null, "owner_id" uuid not null, "length" bigint not null, "stored_bytes" bigint not null default '0', "name" varchar(1024) not null, "wrapped_key" bytea not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "completed_at" timestamptz null, "sha256" varchar(64) null, "used_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "tus_uploads" add constraint "tus_uploads_file_id_unique" unique ("file_id");`);
    this.addSql(`create index "tus_uploads_expires_at_index" on "tus_uploads" ("expires_at");`);
    this.addSql(`create index "tus_uploads_owner_id_completed_at_index" on "tus_uploads" ("owner_id", "completed_at");`);

    this.addSql(`alter table "tus_uploads" add constraint "tus_uploads_owner_id_foreign" foreign key ("owner_id") references "users" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "tus_uploads" cascade;`);
  }

}
