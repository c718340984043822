-- One-click links from messages (Acknowledge, Mark known issue for 4 h) act once: the first use
-- of a token's nonce is recorded here, and a second use is refused. Rows outlive their tokens by
-- a day (so "already used" is still said), then the console-links-prune job deletes them.
CREATE TABLE console_link_uses (
  nonce       text PRIMARY KEY,
  incident_id bigint NOT NULL,
  action      text NOT NULL,
  used_at     timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL
);

CREATE INDEX console_link_uses_expires ON console_link_uses (expires_at);
