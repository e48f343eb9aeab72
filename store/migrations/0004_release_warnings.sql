-- Warnings a request was accepted with (e.g. a branch lacking live commits
-- under policy "warn"), as JSON, so every later card update still shows them.
ALTER TABLE releases ADD COLUMN warnings TEXT NOT NULL DEFAULT '';
