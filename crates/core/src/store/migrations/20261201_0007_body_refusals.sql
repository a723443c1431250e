-- Bodies the ENT refused to serve (sync/engine.rs, `record_refusals`): an answer too large or
-- unreadable, a 4xx. The sync asks for such a body again only once `next_try` (milliseconds
-- since the epoch) has passed, an hour after the first refusal and twice as long after each
-- next one, at most a day; a Full sync and opening the message always ask.
CREATE TABLE body_refusals (
    message_id TEXT PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    refusals   INTEGER NOT NULL,
    next_try   INTEGER NOT NULL
) WITHOUT ROWID;

-- A body stored, however it came (the sync, the message opened), is no longer refused.
CREATE TRIGGER body_refusals_forget AFTER UPDATE OF body_synced ON messages
WHEN new.body_synced = 1
BEGIN
    DELETE FROM body_refusals WHERE message_id = new.id;
END;
