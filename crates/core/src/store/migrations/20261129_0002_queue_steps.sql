-- What a queued action has already done on the ENT, so that a replay cut off at any point
-- (crash, SIGKILL, lost answer) finds out from the ENT instead of repeating a step that is not
-- idempotent (creating a draft, sending it). Each marker is committed BEFORE the request it
-- announces is sent.
--
-- claimed_by / claimed_at: which replay (process and mailbox instance) owns the entry, and
-- when it last said it was alive; taken in one IMMEDIATE transaction, so two replays, even in
-- two processes, never run the same entry at once. A claim of a replay that died is stale and
-- taken over.
ALTER TABLE queue ADD COLUMN claimed_by TEXT;
ALTER TABLE queue ADD COLUMN claimed_at INTEGER;
-- Epoch ms at which POST /conversation/draft (or an attachment upload) was about to be sent
-- for this entry (the ENT may hold a draft or a file whose id never reached the store).
ALTER TABLE queue ADD COLUMN create_attempted_at INTEGER;
-- Epoch ms at which POST /conversation/send was about to be sent (the ENT may have delivered).
ALTER TABLE queue ADD COLUMN send_attempted_at INTEGER;
