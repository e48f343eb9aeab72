-- The DingTalk transport's records: inbound chat messages and the cards it
-- delivered. Times are Unix milliseconds set from the injected clock.

-- Every inbound chat message is recorded before the stream SDK acks it, so
-- a crash loses nothing; the unique msg_id drops DingTalk's redeliveries.
-- A replica claims a message with a lease before handling it, so a message
-- runs once even when several replicas scan for unfinished ones.
CREATE TABLE inbox_messages (
    msg_id      TEXT PRIMARY KEY,
    received_at BIGINT NOT NULL,
    chat_id     TEXT NOT NULL DEFAULT '',
    sender      TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL,
    state       TEXT NOT NULL DEFAULT 'pending',
    owner       TEXT NOT NULL DEFAULT '',
    lease_until BIGINT NOT NULL DEFAULT 0,
    done_at     BIGINT NOT NULL DEFAULT 0
);
-- Start-up and periodic scans read only unfinished messages, oldest first.
CREATE INDEX inbox_messages_pending ON inbox_messages (received_at) WHERE state = 'pending';
-- The retention job deletes finished messages by age.
CREATE INDEX inbox_messages_done ON inbox_messages (done_at) WHERE state = 'done';

-- One row per delivered card (or markdown post) of a release in a chat, so
-- any replica can update the cards of a release it did not create.
CREATE TABLE release_cards (
    out_track_id TEXT PRIMARY KEY,
    release_id   BIGINT NOT NULL,
    chat_id      TEXT NOT NULL,
    language     TEXT NOT NULL DEFAULT '',
    markdown     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX release_cards_release_chat ON release_cards (release_id, chat_id);
