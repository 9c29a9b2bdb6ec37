import { Migration } from '@mikro-orm/migrations';

export class Migration20261128110050 extends Migration {

  override name = 'Migration20261128110050';

  override up(): void | Promise<void> {
    this.addSql(`create type "organization_kind" as enum ('LAWYER', 'JUDICIAL_EXPERT', 'ASSOCIATION', 'OTHER');`);
    this.addSql(`create type "role" as enum ('AGENT', 'PARTNER', 'ADMIN');`);
    this.addSql(`create type "user_status" as enum ('INVITED', 'ACTIVE', 'DISABLED');`);
    this.addSql(`create type "reset_purpose" as enum ('ACTIVATION', 'RESET');`);
    this.addSql(`create table "login_throttles" ("key" varchar(400) not null, "failures" int not null, "window_start" timestamptz not null, "strikes" int not null, "blocked_until" timestamptz null, "updated_at" timestamptz not null, primary key ("key"));`);

    this.addSql(`create table "organizations" ("id" uuid not null, "name" varchar(200) not null, "kind" "organization_kind" not null, "support_contact" varchar(320) null, "created_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`alter table "organizations" add constraint "organizations_name_unique" unique ("name");`);

    this.addSql(`create table "outbox_mails" ("id" uuid not null, "template" varchar(64) not null, "recipient" varchar(320) not null, "subject" varchar(400) not null, "sealed_body" bytea null, "created_at" timestamptz not null, "attempts" int not null default 0, "next_attempt_at" timestamptz not null, "sent_at" timestamptz null, "last_error" text null, primary key ("id"));`);
    this.addSql(`create index "outbox_mails_sent_at_next_attempt_at_index" on "outbox_mails" ("sent_at", "next_attempt_at");`);

    this.addSql(`create table "users" ("id" uuid not null, "email" varchar(320) not null, "display_name" varchar(200) not null, "role" "role" not null, "status" "user_status" not null default 'INVITED', "locale" varchar(2) not null default 'fr', "organization_id" uuid null, "password_hash" varchar(200) null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`alter table "users" add constraint "users_email_unique" unique ("email");`);

    this.addSql(`create table "sessions" ("id" uuid not null, "token_hash" varchar(64) not null, "user_id" uuid not null, "created_at" timestamptz not null, "last_seen_at" timestamptz not null, "expires_at" timestamptz not null, "client_address" varchar(64) null, "updated_at" timestamptz not null default now(), primary key ("id"));`);
    this.addSql(`alter table "sessions" add constraint "sessions_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "sessions_user_id_index" on "sessions" ("user_id");`);

    this.addSql(`create table "password_reset_tokens" ("id" uuid not null, "token_hash" varchar(64) not null, "user_id" uuid not null, "purpose" "reset_purpose" not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null, "voided_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "password_reset_tokens" add constraint "password_reset_tokens_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "password_reset_tokens_user_id_index" on "password_reset_tokens" ("user_id");`);

    this.addSql(`create table "audit_events" ("id" uuid not null, "seq" bigint not null, "type" varchar(64) not null, "at" timestamptz not null, "actor_id" uuid null, "subject_user_id" uuid null, "message_id" uuid null, "data" jsonb not null, "prev_hash" varchar(64) not null, "hash" varchar(64) not null, primary key ("id"));`);
    this.addSql(`alter table "audit_events" add constraint "audit_events_seq_unique" unique ("seq");`);
    this.addSql(`create index "audit_events_subject_user_id_index" on "audit_events" ("subject_user_id");`);
    this.addSql(`create index "audit_events_message_id_index" on "audit_events" ("message_id");`);
    this.addSql(`alter table "audit_events" add constraint "audit_events_hash_unique" unique ("hash");`);
    this.addSql(`create or replace function "audit_events_audit_events_append_only_fn"() returns trigger as \$\$ begin if tg_op = 'DELETE' and current_setting('plex.audit_purge', true) = 'on' then return old; end if; raise exception 'audit_events is append-only'; end; \$\$ language plpgsql;`);
    this.addSql(`create trigger "audit_events_append_only" BEFORE UPDATE OR DELETE on "audit_events" for each ROW execute function "audit_events_audit_events_append_only_fn"();`);

    this.addSql(`create table "api_tokens" ("id" uuid not null, "name" varchar(100) not null, "token_hash" varchar(64) not null, "user_id" uuid not null, "created_at" timestamptz not null, "last_used_at" timestamptz null, "revoked_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "api_tokens" add constraint "api_tokens_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "api_tokens_user_id_index" on "api_tokens" ("user_id");`);

    this.addSql(`alter table "users" add constraint "users_organization_id_foreign" foreign key ("organization_id") references "organizations" ("id") on delete set null;`);

    this.addSql(`alter table "sessions" add constraint "sessions_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);

    this.addSql(`alter table "password_reset_tokens" add constraint "password_reset_tokens_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);

    this.addSql(`alter table "audit_events" add constraint "audit_events_actor_id_foreign" foreign key ("actor_id") references "users" ("id") on delete set null;`);

    this.addSql(`alter table "api_tokens" add constraint "api_tokens_user_id_foreign" foreign key ("user_id") references "users" ("id") on delete cascade;`);
  }

}
