-- Covering index for list pages: a page's rows are chosen on usermessages alone, and a page deep
-- in a large folder skips its OFFSET rows inside this index, never looking up each skipped row
-- for its recipient/author/state columns (offset 99,000 of a 100,000-message inbox: 0.45 s → 0.05 s).
-- It starts with the columns of usermessages_list, which it replaces.
CREATE INDEX usermessages_page ON usermessages(user_id, trashed, folder_id, date DESC, is_recipient, is_author, state, unread);
DROP INDEX usermessages_list;
