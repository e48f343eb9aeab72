-- Branches cut with /branch and release options (docs/branches.md,
-- docs/options.md). Times are Unix milliseconds from the injected clock.

-- The release options given with /release, and the requirement of the
-- branch it was cut for, as JSON, so every later card update shows them.
ALTER TABLE releases ADD COLUMN options TEXT NOT NULL DEFAULT '';
ALTER TABLE releases ADD COLUMN requirement TEXT NOT NULL DEFAULT '';

-- One row per branch dingops cut; a name is cut once per app.
CREATE TABLE branches (
    id              {{ID}},
    app             TEXT NOT NULL,
    name            TEXT NOT NULL,
    commit_sha      TEXT NOT NULL,
    requirement     TEXT NOT NULL DEFAULT '',
    requirement_id  TEXT NOT NULL DEFAULT '',
    requirement_url TEXT NOT NULL DEFAULT '',
    requester       TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX branches_app_name ON branches (app, name);
