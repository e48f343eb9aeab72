-- Core tables: releases, approvals, app state, locks, audit, replicas.
-- Times are Unix milliseconds set from the injected clock.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE apps (
    name            TEXT PRIMARY KEY,
    next_version    BIGINT NOT NULL,
    live_release_id BIGINT NOT NULL DEFAULT 0,
    live_since      BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE releases (
    id               {{ID}},
    app              TEXT NOT NULL,
    version          BIGINT NOT NULL,
    kind             TEXT NOT NULL,
    rollback_of      BIGINT NOT NULL DEFAULT 0,
    status           TEXT NOT NULL,
    artifact_kind    TEXT NOT NULL DEFAULT '',
    artifact_ref     TEXT NOT NULL DEFAULT '',
    artifact_digest  TEXT NOT NULL DEFAULT '',
    artifact_display TEXT NOT NULL DEFAULT '',
    requester        TEXT NOT NULL,
    reason           TEXT NOT NULL DEFAULT '',
    urgent           BOOLEAN NOT NULL DEFAULT FALSE,
    origin_msg_id    TEXT,
    chat_id          TEXT NOT NULL DEFAULT '',
    branch           TEXT NOT NULL DEFAULT '',
    commit_sha       TEXT NOT NULL DEFAULT '',
    commits          TEXT NOT NULL DEFAULT '',
    approvals_needed INTEGER NOT NULL DEFAULT 0,
    expires_at       BIGINT NOT NULL DEFAULT 0,
    build_ref        TEXT NOT NULL DEFAULT '',
    output           TEXT NOT NULL DEFAULT '',
    error            TEXT NOT NULL DEFAULT '',
    rolled_back      BOOLEAN NOT NULL DEFAULT FALSE,
    rolled_back_by   BIGINT NOT NULL DEFAULT 0,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    decided_at       BIGINT NOT NULL DEFAULT 0,
    started_at       BIGINT NOT NULL DEFAULT 0,
    finished_at      BIGINT NOT NULL DEFAULT 0
);

-- History (newest version first) and lookups by version.
CREATE UNIQUE INDEX releases_app_version ON releases (app, version);
-- A repeated chat message never makes a second release.
CREATE UNIQUE INDEX releases_origin ON releases (origin_msg_id);
-- At most one unfinished release per app, whatever races.
CREATE UNIQUE INDEX releases_one_active ON releases (app)
    WHERE status IN ('pending_approval', 'approved', 'queued', 'building', 'deploying');
-- The worker's and the expiry loop's scans touch only unfinished releases.
CREATE INDEX releases_unfinished ON releases (status, expires_at)
    WHERE status IN ('pending_approval', 'approved', 'queued', 'building', 'deploying');

CREATE TABLE approvals (
    release_id BIGINT NOT NULL,
    approver   TEXT NOT NULL,
    decision   TEXT NOT NULL,
    comment    TEXT NOT NULL DEFAULT '',
    origin     TEXT NOT NULL DEFAULT '',
    at         BIGINT NOT NULL,
    PRIMARY KEY (release_id, approver)
);

CREATE TABLE locks (
    app         TEXT NOT NULL,
    slot        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    holder      TEXT NOT NULL,
    release_id  BIGINT NOT NULL DEFAULT 0,
    reason      TEXT NOT NULL DEFAULT '',
    since       BIGINT NOT NULL,
    lease_until BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (app, slot)
);

CREATE TABLE audit_events (
    id         {{ID}},
    at         BIGINT NOT NULL,
    actor      TEXT NOT NULL,
    os_user    TEXT NOT NULL DEFAULT '',
    kind       TEXT NOT NULL,
    app        TEXT NOT NULL DEFAULT '',
    release_id BIGINT NOT NULL DEFAULT 0,
    origin     TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_app_at ON audit_events (app, at);
CREATE INDEX audit_events_release ON audit_events (release_id);

CREATE TABLE replicas (
    id      TEXT PRIMARY KEY,
    beat_at BIGINT NOT NULL
);
