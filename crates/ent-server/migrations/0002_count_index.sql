-- Covering index for counters and list totals: a count reads the index only, never the rows.
CREATE INDEX usermessages_counts ON usermessages(user_id, trashed, folder_id, is_recipient, is_author, state, unread);
