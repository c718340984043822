-- Registry (owned by iris.registry): who maintains what, and the hosts alerts come from.

CREATE TABLE maintainers (
  id                bigserial PRIMARY KEY,
  name              text        NOT NULL UNIQUE,
  email             text,
  -- A Teams Workflows URL carries its own signature: treated as a secret, never returned.
  teams_webhook_url text,
  channels          text[]      NOT NULL DEFAULT '{teams,email}',
  min_severity      text        NOT NULL DEFAULT 'info' CHECK (min_severity IN ('info', 'warning', 'critical')),
  digest_frequency  text        NOT NULL DEFAULT 'daily' CHECK (digest_frequency IN ('none', 'daily', 'weekly', 'monthly')),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE services (
  id                 bigserial PRIMARY KEY,
  name               text        NOT NULL UNIQUE,
  description        text,
  escalation_manager bigint      REFERENCES maintainers (id) ON DELETE SET NULL,
  notify             boolean     NOT NULL DEFAULT true,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE service_maintainers (
  service_id    bigint NOT NULL REFERENCES services (id) ON DELETE CASCADE,
  maintainer_id bigint NOT NULL REFERENCES maintainers (id) ON DELETE CASCADE,
  PRIMARY KEY (service_id, maintainer_id)
);

CREATE TABLE hosts (
  id          bigserial PRIMARY KEY,
  hostname    text        NOT NULL UNIQUE,
  address     text,
  os          text,
  environment text,
  labels      jsonb       NOT NULL DEFAULT '{}',
  notify      boolean     NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
-- Alerts find their host by the host part of `instance`, against hostname or address.
CREATE INDEX hosts_lower_hostname ON hosts (lower(hostname));
CREATE INDEX hosts_lower_address ON hosts (lower(address));

CREATE TABLE host_services (
  host_id    bigint NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,
  service_id bigint NOT NULL REFERENCES services (id) ON DELETE CASCADE,
  PRIMARY KEY (host_id, service_id)
);

-- Maintainers of a host override its services' maintainers.
CREATE TABLE host_maintainers (
  host_id       bigint NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,
  maintainer_id bigint NOT NULL REFERENCES maintainers (id) ON DELETE CASCADE,
  PRIMARY KEY (host_id, maintainer_id)
);

-- Tags are history: removing one marks it, so who set it, why, and who removed it stay known.
CREATE TABLE host_tags (
  id         bigserial PRIMARY KEY,
  host_id    bigint      NOT NULL REFERENCES hosts (id) ON DELETE CASCADE,
  type       text        NOT NULL CHECK (type IN ('ignore_alerts', 'known_issue', 'under_maintenance', 'flaky', 'custom')),
  name       text,
  reason     text,
  metadata   jsonb       NOT NULL DEFAULT '{}',
  expires_at timestamptz,
  created_by text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  removed_by text,
  removed_at timestamptz
);
CREATE INDEX host_tags_host ON host_tags (host_id) WHERE removed_at IS NULL;
