// This running instance's identity in the database: a session-level advisory lock held on a
// dedicated connection for as long as the process lives. Another instance can tell that work
// tagged with this id is abandoned when it can take the lock (the process, or its connection,
// is gone).
import { randomInt } from 'node:crypto';
import pg from 'pg';

const NAMESPACE = 0x706c7820; // "plx "

export class InstanceLock {
  readonly id = randomInt(1, 2 ** 31 - 1);
  private client: pg.Client | undefined;
  private probe: pg.Client | undefined;

  constructor(private readonly databaseUrl: string) {}

  async acquire(): Promise<void> {
    this.client = new pg.Client({ connectionString: this.databaseUrl, application_name: `plex-instance-${this.id}` });
    this.client.on('error', () => {});
    await this.client.connect();
    await this.client.query('select pg_advisory_lock($1, $2)', [NAMESPACE, this.id]);
  }

  /** True when no live instance holds `id` (never true for this instance's own id). */
  async isAbandoned(id: number): Promise<boolean> {
    if (id === this.id) return false;
    if (!this.probe) {
      this.probe = new pg.Client({ connectionString: this.databaseUrl, application_name: `plex-probe-${this.id}` });
      this.probe.on('error', () => {});
      await this.probe.connect();
    }
    const { rows } = await this.probe.query<{ taken: boolean }>('select pg_try_advisory_lock($1, $2) as taken', [NAMESPACE, id]);
    if (rows[0].taken) await this.probe.query('select pg_advisory_unlock($1, $2)', [NAMESPACE, id]);
    return rows[0].taken;
  }

  async release(): Promise<void> {
    await this.probe?.end().catch(() => {});
    await this.client?.end().catch(() => {});
  }
}
