-- Every change to a message (edit, deletion, a reaction, a reply added to or deleted
-- from its thread) increases its revision, so that a client holding two copies (a REST
-- page and a live event that crossed it) keeps the newer one.
ALTER TABLE messages ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
