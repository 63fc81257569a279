-- Idempotency keys: a create request that carries `Idempotency-Key` is done once per
-- person and key; a repeat within 24 hours gets the first answer. `status` and `body`
-- are NULL while the first request runs.
CREATE TABLE idempotency_keys (
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    fingerprint BYTEA NOT NULL,         -- HMAC of the method, the path and the body
    status      BIGINT,
    body        BYTEA,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);
