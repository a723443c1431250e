-- The user's files (entcore's workspace module): what the ENT's editor uploads for an image
-- inserted in a message (`POST /workspace/document?protected=true&application=media-library`).
-- `visibility`: 'owner' (only its owner reads it), 'protected' (any signed-in user), 'public'.
CREATE TABLE workspace_documents (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    owner_name TEXT NOT NULL,
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    visibility TEXT NOT NULL,
    application TEXT,
    created INTEGER NOT NULL
);
CREATE INDEX workspace_documents_owner ON workspace_documents (owner);
