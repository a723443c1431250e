-- « Afficher par conversation »: messages are grouped by their thread (entcore's `thread_id`,
-- the id of the thread's first message; a message whose body is not read yet has none and is
-- its own thread). The grouping key is indexed so that a conversation of a 100,000-message
-- store is read without a scan.
CREATE INDEX messages_thread ON messages (COALESCE(thread_id, id), date);
