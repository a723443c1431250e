-- `origin` ('sync' or 'user') was written on every message and folder and never read: the echo
-- suppression it was meant for does not exist (the window refreshes on `MessagesChanged`
-- whoever made the change, and the sync's planner compares fingerprints, not writers). Dropped
-- so that nothing pretends otherwise. DROP COLUMN rewrites each table once (SQLite >= 3.35).
ALTER TABLE messages DROP COLUMN origin;
ALTER TABLE folders DROP COLUMN origin;
