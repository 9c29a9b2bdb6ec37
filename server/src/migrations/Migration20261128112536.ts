import { Migration } from '@mikro-orm/migrations';

export class Migration20261128112536 extends Migration {

  override name = 'Migration20261128112536';

  override up(): void | Promise<void> {
    this.addSql(`create table "audit_anchor" ("id" smallint primary key, "seq" bigint not null, "hash" varchar(64) not null);`);

    this.addSql(`create table "pending_uploads" ("blob_key" varchar(100) not null, "instance_id" bigint not null, "started_at" timestamptz not null, primary key ("blob_key"));`);

    this.addSql(`create table "preferences" ("user_id" uuid not null, "expiry_first_warning" boolean not null default true, "expiry_second_warning" boolean not null default true, "file_downloaded" boolean not null default true, "message_received" boolean not null default true, "message_viewed" boolean not null default true, "message_deleted" boolean not null default true, primary key ("user_id"));`);

    this.addSql(`create table "messages" ("id" uuid not null, "sender_id" uuid not null, "subject" varchar(200) not null, "comment" text null, "sent_at" timestamptz not null, "expires_at" timestamptz not null, "lifetime_days" smallint not null, "deleted_at" timestamptz null, "purged_at" timestamptz null, "first_warning_done_at" timestamptz null, "second_warning_done_at" timestamptz null, "created_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`create index "messages_expires_at_index" on "messages" ("expires_at");`);
    this.addSql(`create index "messages_sender_id_sent_at_index" on "messages" ("sender_id", "sent_at");`);

    this.addSql(`create table "stored_files" ("id" uuid not null, "message_id" uuid not null, "position" smallint not null, "name" varchar(1024) not null, "size" bigint not null, "sha256" varchar(64) not null, "blob_key" varchar(100) not null, "wrapped_key" bytea not null, "purged_at" timestamptz null, "created_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`alter table "stored_files" add constraint "stored_files_blob_key_unique" unique ("blob_key");`);

    this.addSql(`create table "message_recipients" ("id" uuid not null, "message_id" uuid not null, "user_id" uuid not null, "position" smallint not null, "viewed_at" timestamptz null, "hidden_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "message_recipients_user_id_message_id_index" on "message_recipients" ("user_id", "message_id");`);
    this.addSql(`alter table "message_recipients" add constraint "message_recipients_message_id_user_id_unique" unique ("message_id", "user_id");`);

    this.addSql(`create table "file_downloads" ("id" uuid not null, "file_id" uuid not null, "user_id" uuid not null, "completed_at" timestamptz not null, "via_zip" boolean not null, primary key ("id"));`);
    this.addSql(`create index "file_downloads_file_id_user_id_index" on "file_downloads" ("file_id", "user_id");`);

    this.addSql(`create table "download_links" ("id" uuid not null, "token_hash" varchar(64) not null, "user_id" uuid not null, "message_id" uuid not null, "file_id" uuid null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_up_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "download_links" add constraint "download_links_token_hash_unique" unique ("token_hash");`);

    this.addSql(`alter table "preferences" add constraint "preferences_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "messages" add constraint "messages_sender_id_foreign" foreign key ("sender_id") references "users" ("id");`);

    this.addSql(`alter table "stored_files" add constraint "stored_files_message_id_foreign" foreign key ("message_id") references "messages" ("id") on delete cascade;`);

    this.addSql(`alter table "message_recipients" add constraint "message_recipients_message_id_foreign" foreign key ("message_id") references "messages" ("id") on delete cascade;`);
    this.addSql(`alter table "message_recipients" add constraint "message_recipients_user_id_foreign" foreign key ("user_id") references "users" ("id");`);

    this.addSql(`alter table "file_downloads" add constraint "file_downloads_file_id_foreign" foreign key ("file_id") references "stored_files" ("id") on delete cascade;`);
    this.addSql(`alter table "file_downloads" add constraint "file_downloads_user_id_foreign" foreign key ("user_id") references "users" ("id");`);

    this.addSql(`alter table "download_links" add constraint "download_links_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);
    this.addSql(`alter table "download_links" add constraint "download_links_message_id_foreign" foreign key ("message_id") references "messages" ("id") on delete cascade;`);
    this.addSql(`alter table "download_links" add constraint "download_links_file_id_foreign" foreign key ("file_id") references "stored_files" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "stored_files" drop constraint "stored_files_message_id_foreign";`);
    this.addSql(`alter table "message_recipients" drop constraint "message_recipients_message_id_foreign";`);
    this.addSql(`alter table "download_links" drop constraint "download_links_message_id_foreign";`);
    this.addSql(`alter table "file_downloads" drop constraint "file_downloads_file_id_foreign";`);
    this.addSql(`alter table "download_links" drop constraint "download_links_file_id_foreign";`);

    this.addSql(`drop table if exists "audit_anchor" cascade;`);
    this.addSql(`drop table if exists "pending_uploads" cascade;`);
    this.addSql(`drop table if exists "preferences" cascade;`);
    this.addSql(`drop table if exists "messages" cascade;`);
    this.addSql(`drop table if exists "stored_files" cascade;`);
    this.addSql(`drop table if exists "message_recipients" cascade;`);
    this.addSql(`drop table if exists "file_downloads" cascade;`);
    this.addSql(`drop table if exists "download_links" cascade;`);
  }

}
