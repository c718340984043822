-- Teams through Microsoft Graph (owned by iris.notify): the one delegated grant Iris posts with
-- and the device-code sign-ins that make it; and, on maintainers (iris.registry), where Graph
-- posts go, whether critical alerts @mention them, and their Azure AD object id.

-- At most one grant. Its tokens are sealed (AES-256-GCM, the enrollment key): never plain text at rest.
CREATE TABLE graph_grant (
  id                 integer     PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  -- revoked: the identity platform refused the refresh token (revoked, expired, password changed)
  state              text        NOT NULL CHECK (state IN ('active', 'revoked')),
  account            text,
  scopes             text,
  refresh_token      bytea       NOT NULL,
  access_token       bytea,
  access_expires_at  timestamptz,
  -- +1 at every change: of two nodes refreshing at once, one writes and the other takes its token
  version            bigint      NOT NULL DEFAULT 1,
  error              text,
  last_send_error    text,
  last_send_error_at timestamptz,
  signed_in_at       timestamptz NOT NULL,
  refreshed_at       timestamptz,
  updated_at         timestamptz NOT NULL DEFAULT now()
);

-- The device code itself stays in the memory of the node that polls for it.
CREATE TABLE graph_sign_ins (
  id               bigserial   PRIMARY KEY,
  state            text        NOT NULL DEFAULT 'pending'
                               CHECK (state IN ('pending', 'signed_in', 'expired', 'declined', 'failed', 'superseded')),
  user_code        text        NOT NULL,
  verification_uri text        NOT NULL,
  expires_at       timestamptz NOT NULL,
  started_by       text        NOT NULL,
  account          text,
  error            text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  finished_at      timestamptz
);

ALTER TABLE maintainers
  ADD COLUMN graph_team_id    text,
  ADD COLUMN graph_channel_id text,
  ADD COLUMN graph_chat_id    text,
  ADD COLUMN mention          boolean NOT NULL DEFAULT false,
  -- given through the API, or resolved from the email (GET /v1.0/users/{email}) at the first mention
  ADD COLUMN aad_object_id    text;
