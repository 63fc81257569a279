-- Sign-ups waiting for their e-mail address to be confirmed (servers that send mail).
--
-- Nothing of the account exists until the link is followed: the username, address and
-- display name are sealed under the account data key like an account's, the password is
-- already hashed, and the link's token is random (CSPRNG) with only its keyed hash kept.
-- `email_key` (the address's keyed hash) finds the other sign-ups with the same address,
-- which end when one is confirmed. A row is good for a day.
CREATE TABLE pending_signups (
    id            INTEGER PRIMARY KEY,
    token_hash    BLOB NOT NULL UNIQUE,
    username      TEXT NOT NULL,
    email         TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    email_key     TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL
) STRICT;
CREATE INDEX pending_signups_email ON pending_signups(email_key);
CREATE INDEX pending_signups_expiry ON pending_signups(expires_at);
