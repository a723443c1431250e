-- The offline mailbox of one account. Dates are epoch milliseconds, as on the ENT.

-- Small facts about the account and the sync (user id, last sync time...).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- System folders (ids inbox, outbox, draft, trash) and the user's tree.
CREATE TABLE folders (
    id        TEXT PRIMARY KEY,
    parent_id TEXT,
    name      TEXT NOT NULL,
    depth     INTEGER NOT NULL DEFAULT 0,
    system    INTEGER NOT NULL DEFAULT 0,
    position  INTEGER NOT NULL DEFAULT 0,
    origin    TEXT NOT NULL DEFAULT 'sync'
) STRICT;

INSERT INTO folders (id, name, system, position) VALUES
    ('inbox', 'Boîte de réception', 1, 0),
    ('outbox', 'Messages envoyés', 1, 1),
    ('draft', 'Brouillons', 1, 2),
    ('trash', 'Corbeille', 1, 3);

-- One row per message the user has. The integer rowid is the key of the FTS index, and it is
-- made from the date (date * 1024 + a few bits of the id): the index then yields matches
-- newest first by itself, and a search stops after LIMIT rows however common the word.
CREATE TABLE messages (
    rowid           INTEGER PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    subject         TEXT NOT NULL DEFAULT '',
    from_id         TEXT,
    from_name       TEXT NOT NULL DEFAULT '',
    from_profile    TEXT,
    to_json         TEXT NOT NULL DEFAULT '[]',
    cc_json         TEXT NOT NULL DEFAULT '[]',
    cci_json        TEXT NOT NULL DEFAULT '[]',
    recipient_names TEXT NOT NULL DEFAULT '',
    state           TEXT NOT NULL DEFAULT 'SENT',
    date            INTEGER NOT NULL,
    unread          INTEGER NOT NULL DEFAULT 0,
    response        INTEGER NOT NULL DEFAULT 0,
    has_attachment  INTEGER NOT NULL DEFAULT 0,
    no_reply        INTEGER NOT NULL DEFAULT 0,
    -- The user folder the message sits in (kept while trashed, so restore puts it back).
    user_folder_id  TEXT,
    trashed         INTEGER NOT NULL DEFAULT 0,
    thread_id       TEXT,
    parent_id       TEXT,
    body            TEXT,
    body_text       TEXT NOT NULL DEFAULT '',
    body_synced     INTEGER NOT NULL DEFAULT 0,
    -- Hash of the summary as last listed by the ENT: the planner compares it, not the fields.
    fingerprint     INTEGER NOT NULL DEFAULT 0,
    origin          TEXT NOT NULL DEFAULT 'sync'
) STRICT;

-- Where each message is listed; a message sent to oneself is in both inbox and outbox.
CREATE TABLE placements (
    folder_id  TEXT NOT NULL,
    message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    date       INTEGER NOT NULL,
    PRIMARY KEY (folder_id, message_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX placements_by_date ON placements (folder_id, date DESC);
CREATE INDEX placements_by_message ON placements (message_id);

-- Every person or group a message names (sender included), for "from or to X" filters.
CREATE TABLE message_people (
    message_rowid INTEGER NOT NULL REFERENCES messages(rowid) ON DELETE CASCADE ON UPDATE CASCADE,
    person_id     TEXT NOT NULL,
    role          TEXT NOT NULL,
    PRIMARY KEY (person_id, message_rowid, role)
) STRICT, WITHOUT ROWID;
CREATE INDEX message_people_by_message ON message_people (message_rowid);

CREATE TABLE attachments (
    message_id   TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    id           TEXT NOT NULL,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL DEFAULT 'application/octet-stream',
    size         INTEGER NOT NULL DEFAULT 0,
    cached_path  TEXT,
    PRIMARY KEY (message_id, id)
) STRICT;

-- Full-text index over subject, body text, sender and recipient names. External content:
-- the text lives once, in messages; triggers keep the index in step.
-- remove_diacritics 2 makes "evaluation" find "évaluation"; prefix indexes make "évalu*" cheap.
CREATE VIRTUAL TABLE messages_fts USING fts5 (
    subject, body_text, from_name, recipient_names,
    content = 'messages', content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3 4'
);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, subject, body_text, from_name, recipient_names)
    VALUES (new.rowid, new.subject, new.body_text, new.from_name, new.recipient_names);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, subject, body_text, from_name, recipient_names)
    VALUES ('delete', old.rowid, old.subject, old.body_text, old.from_name, old.recipient_names);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE ON messages
WHEN old.rowid != new.rowid OR old.subject IS NOT new.subject OR old.body_text IS NOT new.body_text
    OR old.from_name IS NOT new.from_name OR old.recipient_names IS NOT new.recipient_names
BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, subject, body_text, from_name, recipient_names)
    VALUES ('delete', old.rowid, old.subject, old.body_text, old.from_name, old.recipient_names);
    INSERT INTO messages_fts (rowid, subject, body_text, from_name, recipient_names)
    VALUES (new.rowid, new.subject, new.body_text, new.from_name, new.recipient_names);
END;

-- The users and groups the user may write to (/communication/visible/search), for offline compose.
CREATE TABLE visibles (
    rowid        INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    kind         TEXT NOT NULL,
    profile      TEXT,
    nb_users     INTEGER,
    group_type   TEXT,
    structure    TEXT,
    used_in      TEXT NOT NULL DEFAULT '[]'
) STRICT;
CREATE VIRTUAL TABLE visibles_fts USING fts5 (
    display_name, content = 'visibles', content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3'
);
CREATE TRIGGER visibles_fts_insert AFTER INSERT ON visibles BEGIN
    INSERT INTO visibles_fts (rowid, display_name) VALUES (new.rowid, new.display_name);
END;
CREATE TRIGGER visibles_fts_delete AFTER DELETE ON visibles BEGIN
    INSERT INTO visibles_fts (visibles_fts, rowid, display_name)
    VALUES ('delete', old.rowid, old.display_name);
END;

-- Local actions waiting for the ENT, replayed in seq order.
CREATE TABLE queue (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    action     TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
) STRICT;

-- Local ids (drafts, folders made offline) and the ids the ENT gave them.
CREATE TABLE id_map (
    local_id  TEXT PRIMARY KEY,
    remote_id TEXT NOT NULL
) STRICT;

-- Messages the sync read on the ENT (which marks them read) and must mark unread again.
-- Written before the read, removed after the restore: a crash in between is repaired next sync.
CREATE TABLE unread_restore (
    message_id TEXT PRIMARY KEY
) STRICT;
