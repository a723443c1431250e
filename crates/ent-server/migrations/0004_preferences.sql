-- A user's preference per application, kept as the text the client sent (entcore stores it as
-- a string property of the user's UserAppConf node, named after the application).
CREATE TABLE preferences (
    user_id TEXT NOT NULL,
    application TEXT NOT NULL,
    conf TEXT NOT NULL,
    PRIMARY KEY (user_id, application)
);
