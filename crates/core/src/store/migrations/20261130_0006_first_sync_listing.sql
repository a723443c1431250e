-- What a first sync has listed so far (sync/journal.rs): what each stored page said about its
-- messages, and how many pages of each folder are stored. A first sync killed while it lists
-- goes on from there instead of listing the mailbox again. Emptied when the listing ends.
CREATE TABLE first_sync_listed (
    message_id  TEXT NOT NULL,
    folder_id   TEXT NOT NULL,
    fingerprint INTEGER NOT NULL,
    is_draft    INTEGER NOT NULL,
    unread      INTEGER NOT NULL,
    PRIMARY KEY (message_id, folder_id)
) WITHOUT ROWID;

CREATE TABLE first_sync_pages (
    folder_id TEXT PRIMARY KEY,
    -- Pages 0 to pages - 1 are stored.
    pages     INTEGER NOT NULL,
    -- The folder was listed to the end.
    complete  INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
