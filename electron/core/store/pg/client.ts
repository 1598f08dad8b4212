// A node-postgres client for a URL and a password given apart (the one saved in Settings → Team, sealed on
// this computer). node-postgres lets the URL's empty password win over a `password` option, so the given one
// is set on the client itself, where node-postgres keeps it out of stack traces and console output.
import type pg from 'pg';
import { lazyPackage } from '../../lazy-package';

const pgPackage = lazyPackage<typeof pg>('pg');

export function pgClient(config: pg.ClientConfig & { connectionString: string }, password: string | undefined): pg.Client {
  const client = new (pgPackage().Client)(config);
  if (password !== undefined && password !== '') client.password = password;
  return client;
}
