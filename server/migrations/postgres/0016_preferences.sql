-- A person's settings, the same on every device (protocol::auth::Preferences): the
-- theme, the app's language ('auto': the browser's), and the notification level of
-- channels they set nothing for.
ALTER TABLE users ADD COLUMN theme TEXT NOT NULL DEFAULT 'system'
    CHECK (theme IN ('system', 'light', 'dark'));
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'auto'
    CHECK (language IN ('auto', 'en', 'fr'));
ALTER TABLE users ADD COLUMN notify_default TEXT NOT NULL DEFAULT 'mentions'
    CHECK (notify_default IN ('all', 'mentions', 'nothing'));
