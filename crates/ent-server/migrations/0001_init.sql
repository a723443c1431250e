-- Messages, per-user rows, folders, attachments, quotas and notifications (spec §3.1).
CREATE TABLE messages (
  id TEXT PRIMARY KEY,
  parent_id TEXT,
  thread_id TEXT,
  subject TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL DEFAULT '',
  from_id TEXT NOT NULL,
  to_ids TEXT NOT NULL DEFAULT '[]',
  cc_ids TEXT NOT NULL DEFAULT '[]',
  cci_ids TEXT NOT NULL DEFAULT '[]',
  -- JSON array of [id, displayName, isGroup]: the snapshot taken at save/send (spec §3.6).
  display_names TEXT NOT NULL DEFAULT '[]',
  state TEXT NOT NULL,
  date INTEGER NOT NULL,
  no_reply INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX messages_parent ON messages(parent_id);

CREATE TABLE folders (
  id TEXT PRIMARY KEY,
  parent_id TEXT REFERENCES folders(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  name TEXT NOT NULL,
  depth INTEGER NOT NULL
);
CREATE UNIQUE INDEX folders_unique_name ON folders(user_id, coalesce(parent_id, ''), name);

-- state and date are copies of the message's, so that lists and counts read one index.
CREATE TABLE usermessages (
  user_id TEXT NOT NULL,
  message_id TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  folder_id TEXT REFERENCES folders(id) ON DELETE SET NULL,
  trashed INTEGER NOT NULL DEFAULT 0,
  unread INTEGER NOT NULL DEFAULT 1,
  total_quota INTEGER NOT NULL DEFAULT 0,
  is_author INTEGER NOT NULL,
  is_recipient INTEGER NOT NULL,
  state TEXT NOT NULL,
  date INTEGER NOT NULL,
  PRIMARY KEY (user_id, message_id)
) WITHOUT ROWID;
CREATE INDEX usermessages_list ON usermessages(user_id, trashed, folder_id, date DESC);
CREATE INDEX usermessages_message ON usermessages(message_id);

CREATE TABLE attachments (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  charset TEXT,
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  transfer_encoding TEXT,
  size INTEGER NOT NULL
);

CREATE TABLE usermessagesattachments (
  user_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  attachment_id TEXT NOT NULL REFERENCES attachments(id),
  PRIMARY KEY (user_id, message_id, attachment_id),
  FOREIGN KEY (user_id, message_id) REFERENCES usermessages(user_id, message_id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX uma_attachment ON usermessagesattachments(attachment_id);

CREATE TABLE quotas (
  user_id TEXT PRIMARY KEY,
  storage INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE notifications (
  id TEXT PRIMARY KEY,
  recipient_id TEXT NOT NULL,
  sender_id TEXT NOT NULL,
  resource TEXT NOT NULL,
  params TEXT NOT NULL,
  date INTEGER NOT NULL
);
CREATE INDEX notifications_recipient ON notifications(recipient_id, date DESC);

-- Accent-insensitive full-text index; rowid = messages.rowid.
CREATE VIRTUAL TABLE messages_fts USING fts5(subject, body, names, tokenize = 'unicode61 remove_diacritics 2');
