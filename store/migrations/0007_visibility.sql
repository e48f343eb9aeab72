-- User-visible confirmation (core/visible_store.go): how far each deploy
-- reached its users, kept so a restarted serve shows it and resumes the
-- open ones. One row per release; owner is the worker following it, taken
-- over compare-and-set. Times are Unix milliseconds from the injected
-- clock; steps is a JSON list of {"name", "at"}.
CREATE TABLE release_visibility (
    release_id  BIGINT PRIMARY KEY,
    app         TEXT NOT NULL,
    owner       TEXT NOT NULL DEFAULT '',
    switched_at BIGINT NOT NULL,
    steps       TEXT NOT NULL DEFAULT '[]',
    served_at   BIGINT NOT NULL DEFAULT 0,
    timed_out   BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at  BIGINT NOT NULL
);
-- A starting serve reads the open ones.
CREATE INDEX release_visibility_open ON release_visibility (release_id) WHERE served_at = 0 AND timed_out = FALSE;
