-- 0012: seat phones (hot-desking). A seat is a desk phone that belongs to no agent: it registers
-- as sip:<extension> with its own SIP digest credentials, and an agent who sits there picks it
-- on the desktop so the ACD rings it instead of the agent's own extension. Which agent holds a
-- seat is kept by the ACD in memory (a restart sets every agent offline, which frees the seats).
CREATE TABLE seats (
  id          ID_PK,
  extension   TEXT NOT NULL UNIQUE,            -- never an agent's own extension
  sip_ha1     TEXT NOT NULL,                   -- md5(extension:realm:password) hex
  sip_realm   TEXT NOT NULL,
  region_code TEXT NOT NULL REFERENCES regions(code),
  label       TEXT NOT NULL DEFAULT '',        -- where it stands, e.g. 3楼A区12号
  created_at  BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL
);
CREATE INDEX seats_region ON seats(region_code);
