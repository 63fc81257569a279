-- Idempotency keys: a create request that carries `Idempotency-Key` is done once per
-- person and key; a repeat within 24 hours gets the first answer. `status` and `body`
-- are NULL while the first request runs.
CREATE TABLE idempotency_keys (
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    fingerprint BLOB NOT NULL,          -- SHA-256 of the method, the path and the body
    status      INTEGER,
    body        BLOB,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (user_id, key)
) STRICT;
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);
