-- Lookups the alert pipeline makes for every alert group (owned by iris.registry and iris.notify).

-- An instance such as "web-1:9100" names its host by the short name too ("web-1" for
-- "web-1.example.org"): with this index all three ways of naming a host are index lookups,
-- not a scan of every host per alert.
CREATE INDEX hosts_lower_short_name ON hosts (lower(split_part(hostname, '.', 1)));

-- Settling an incident looks up its deliveries by incident id for every message sent. With
-- GIN's fast update, each lookup also scanned the whole list of recent inserts (thousands
-- under a storm); inserting straight into the index costs less than that.
ALTER INDEX deliveries_incidents SET (fastupdate = off);
SELECT gin_clean_pending_list('deliveries_incidents');
