-- Scheduled announcements: one row per (announcement, scheduled fire time).
-- The primary key is the once-only guard across replicas: only the replica
-- whose INSERT lands sends; a failed or abandoned send is retried by
-- updating the row, never by inserting another. Times are Unix milliseconds
-- in UTC; fire_at is the SCHEDULED time, never the time a replica woke up.
CREATE TABLE announcements (
    post_key   TEXT NOT NULL,
    fire_at    BIGINT NOT NULL,
    chat       TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL,
    owner      TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 1,
    claimed_at BIGINT NOT NULL,
    retry_at   BIGINT NOT NULL DEFAULT 0,
    sent_at    BIGINT NOT NULL DEFAULT 0,
    error      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (post_key, fire_at)
);
-- Pruning and the recent-announcements listing scan by fire time.
CREATE INDEX announcements_fire_at ON announcements (fire_at);

-- The weekly digest reads an app's releases by creation time.
CREATE INDEX releases_app_created ON releases (app, created_at);
