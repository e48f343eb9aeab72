-- Alert-driven recovery (docs/alerts.md): alerts received, the one rollback
-- suggestion per (app, release) they make, and the suggestion cards posted.
-- Times are Unix milliseconds set from the injected clock.

-- One row per alert episode. Alertmanager resends a firing alert every
-- repeat_interval, and several replicas may each receive it: the unique
-- (source, alert_id, starts_at) makes every resend change nothing. A
-- resolve updates the row from firing to resolved, once.
CREATE TABLE alerts (
    id            {{ID}},
    source        TEXT NOT NULL,
    alert_id      TEXT NOT NULL,
    starts_at     BIGINT NOT NULL,
    app           TEXT NOT NULL,
    title         TEXT NOT NULL DEFAULT '',
    severity      TEXT NOT NULL DEFAULT '',
    url           TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL,
    ends_at       BIGINT NOT NULL DEFAULT 0,
    received_at   BIGINT NOT NULL,
    resolved_at   BIGINT NOT NULL DEFAULT 0,
    outcome       TEXT NOT NULL DEFAULT '',
    suggestion_id BIGINT NOT NULL DEFAULT 0,
    release_id    BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX alerts_identity ON alerts (source, alert_id, starts_at);
-- /alerts and the dashboard read an app's alerts newest first.
CREATE INDEX alerts_app ON alerts (app, id);
CREATE INDEX alerts_suggestion ON alerts (suggestion_id) WHERE suggestion_id <> 0;
CREATE INDEX alerts_release ON alerts (release_id) WHERE release_id <> 0;

-- At most one suggestion per release that went live, whatever the number
-- of alerts and replicas: the unique (app, release_id) decides.
CREATE TABLE alert_suggestions (
    id          {{ID}},
    app         TEXT NOT NULL,
    release_id  BIGINT NOT NULL,
    version     INTEGER NOT NULL,
    target      INTEGER NOT NULL,
    policy      TEXT NOT NULL,
    request_id  BIGINT NOT NULL DEFAULT 0,
    filed_by    TEXT NOT NULL DEFAULT '',
    resolved_at BIGINT NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX alert_suggestions_release ON alert_suggestions (app, release_id);

-- One row per suggestion card (or markdown post) in a chat, so any replica
-- can update a suggestion's cards.
CREATE TABLE alert_cards (
    out_track_id  TEXT PRIMARY KEY,
    suggestion_id BIGINT NOT NULL,
    chat_id       TEXT NOT NULL,
    language      TEXT NOT NULL DEFAULT '',
    markdown      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX alert_cards_suggestion_chat ON alert_cards (suggestion_id, chat_id);
