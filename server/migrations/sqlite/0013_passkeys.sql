-- Passkeys (WebAuthn).
--
-- A person's WebAuthn user handle: random (a UUID), so that an authenticator's stored
-- credential names no account id.
CREATE TABLE webauthn_users (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    handle  TEXT NOT NULL UNIQUE
) STRICT;

-- Registered passkeys: the name the person gave it and the credential (its public key,
-- counter and flags, as webauthn-rs keeps them) sealed under the account data key; the
-- credential id in the clear, to find it at sign-in.
CREATE TABLE passkeys (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    credential_id BLOB NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    credential    TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER
) STRICT;
CREATE INDEX passkeys_user ON passkeys(user_id);

-- Registrations and sign-ins under way: the ceremony token is random and only its keyed
-- hash is kept; the state (its challenge) is good once, for five minutes.
CREATE TABLE webauthn_ceremonies (
    token_hash BLOB PRIMARY KEY,
    user_id    INTEGER REFERENCES users(id) ON DELETE CASCADE,
    state      TEXT NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT;
