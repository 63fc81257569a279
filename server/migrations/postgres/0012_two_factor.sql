-- Two-factor sign-in with TOTP (RFC 6238).
--
-- The secret is sealed under the account data key; `confirmed_at` is set once a first
-- code proved the authenticator has it (until then it does not guard sign-in).
-- `last_step` is the time step of the last code accepted: a code is taken once.
CREATE TABLE totp (
    user_id      BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    secret       TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    confirmed_at BIGINT,
    last_step    BIGINT NOT NULL DEFAULT 0
);

-- Single-use recovery codes: only their keyed hashes (HMAC under the secret salt).
CREATE TABLE recovery_codes (
    user_id   BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash BYTEA NOT NULL,
    PRIMARY KEY (user_id, code_hash)
);

-- Sign-ins waiting for their second factor: the password was right, the code is still
-- due. The challenge token is random and only its keyed hash is kept.
CREATE TABLE signin_challenges (
    token_hash BYTEA PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL,
    failures   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX signin_challenges_user ON signin_challenges(user_id);
