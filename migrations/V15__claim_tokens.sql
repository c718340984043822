-- Claim tokens come from one sequence, so a token is never given twice, to any group or stage.
-- A stage that is done with a group deletes its claim row (pipeline_claims holds only the
-- groups in work or backing off, not every group ever claimed), and a node that lost its
-- claim long ago can never match a later claim's token.
CREATE SEQUENCE pipeline_claim_token;
SELECT setval('pipeline_claim_token', coalesce((SELECT max(token) FROM pipeline_claims), 0) + 1);
ALTER TABLE pipeline_claims ALTER COLUMN token SET DEFAULT nextval('pipeline_claim_token');
-- Released claims (lease over, no failed attempts) carry nothing a stage needs.
DELETE FROM pipeline_claims WHERE lease_until <= now() AND attempts = 0;
