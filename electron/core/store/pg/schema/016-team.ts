// Migration 016 on PostgreSQL: the team of desks (see ../../migrations/016-team.ts for what each table is).
export const TEAM = /* sql */ `
CREATE TABLE team_meta (
  id         bigint NOT NULL PRIMARY KEY CHECK (id = 1),
  team_id    text COLLATE "C" NOT NULL CHECK (length(team_id) BETWEEN 1 AND 100),
  key_check  bytea  NOT NULL,
  created_at bigint NOT NULL
);

CREATE TABLE team_desks (
  id           text COLLATE "C" NOT NULL PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 100),
  name         text COLLATE "C" NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  joined_at    bigint NOT NULL,
  joined_by    text COLLATE "C" NOT NULL,
  last_seen_at bigint NOT NULL,
  removed_at   bigint,
  removed_by   text COLLATE "C"
);

CREATE TABLE team_join_codes (
  id          text COLLATE "C" NOT NULL PRIMARY KEY CHECK (length(id) = 64),
  nonce       bytea  NOT NULL,
  wrapped_key bytea  NOT NULL,
  tag         bytea  NOT NULL,
  created_by  text COLLATE "C" NOT NULL,
  created_at  bigint NOT NULL,
  expires_at  bigint NOT NULL,
  used_at     bigint,
  used_by     text COLLATE "C"
);
CREATE INDEX team_join_codes_by_expiry ON team_join_codes (expires_at);

CREATE TABLE team_lease (
  name        text COLLATE "C" NOT NULL PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 100),
  holder_id   text COLLATE "C" NOT NULL,
  holder_name text COLLATE "C" NOT NULL,
  acquired_at bigint NOT NULL,
  renewed_at  bigint NOT NULL,
  expires_at  bigint NOT NULL,
  public_url  text COLLATE "C"
);
`;
