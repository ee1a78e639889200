-- 0002: agents, skills and queues for the ACD, and what telephony writes: call records,
-- recordings and the agent state history. Runs on SQLite and PostgreSQL alike (ID_PK as in 0001).
-- Times are UTC milliseconds since the epoch (BIGINT). Lists that are only ever read whole
-- (languages, regions, groups, IVR path, digits, queue rules) are JSON text.

-- Skills agents hold and contacts require, with levels 1..10 on the agent side.
CREATE TABLE skills (
  id           ID_PK,
  name         TEXT NOT NULL UNIQUE,          -- e.g. general, repair, minnan
  display_name TEXT NOT NULL DEFAULT '',
  kind         TEXT NOT NULL DEFAULT 'business', -- business | language
  created_at   BIGINT NOT NULL,
  updated_at   BIGINT NOT NULL
);

-- Queues as the IVR names them (queue: {name: repair}); skills and rules feed routing::Engine.
CREATE TABLE queues (
  id              ID_PK,
  name            TEXT NOT NULL UNIQUE,
  display_name    TEXT NOT NULL DEFAULT '',
  strategy        TEXT NOT NULL DEFAULT 'longest_idle', -- longest_idle | least_occupied | best_skill | round_robin | preferred_agent
  service_level_s INTEGER NOT NULL DEFAULT 20,
  skills          TEXT NOT NULL DEFAULT '{}',  -- JSON {"repair": 3}: default requirement
  rules           TEXT NOT NULL DEFAULT '{}',  -- JSON of routing::QueueRules (relax, backup, overflow, max wait)
  created_at      BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL
);

-- An agent is a user who takes contacts: their phone (extension + SIP digest HA1, never the
-- clear password), what they can do, and their current presence state.
CREATE TABLE agents (
  id             ID_PK,
  user_id        BIGINT NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
  extension      TEXT NOT NULL UNIQUE,
  sip_ha1        TEXT NOT NULL DEFAULT '',      -- md5(extension:realm:password) hex; '' = no phone
  sip_realm      TEXT NOT NULL DEFAULT '',
  languages      TEXT NOT NULL DEFAULT '["zh"]', -- JSON array: zh | nan | yue | en
  regions        TEXT NOT NULL DEFAULT '[]',    -- JSON array of region codes served; [] = all
  agent_groups   TEXT NOT NULL DEFAULT '[]',    -- JSON array of group names
  chat_capacity  INTEGER NOT NULL DEFAULT 0,
  state          TEXT NOT NULL DEFAULT 'offline', -- offline | ready | reserved | on_call | wrap_up | break
  state_reason   TEXT NOT NULL DEFAULT '',
  state_since    BIGINT NOT NULL,
  created_at     BIGINT NOT NULL,
  updated_at     BIGINT NOT NULL
);

CREATE TABLE agent_skills (
  agent_id BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  skill_id BIGINT NOT NULL REFERENCES skills(id) ON DELETE CASCADE,
  level    INTEGER NOT NULL,                    -- 1..10
  PRIMARY KEY (agent_id, skill_id)
);
CREATE INDEX agent_skills_skill ON agent_skills(skill_id);

-- Every presence change, for reports (time in state) and the supervisor's audit.
CREATE TABLE agent_state_history (
  id        ID_PK,
  agent_id  BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  state     TEXT NOT NULL,
  reason    TEXT NOT NULL DEFAULT '',
  source    TEXT NOT NULL DEFAULT 'agent',      -- agent | supervisor | system (no answer, phone gone)
  at        BIGINT NOT NULL
);
CREATE INDEX agent_state_history_agent ON agent_state_history(agent_id, at);

-- One row per call, written by telephony at start, answer and end. The id is chosen by the
-- telephony side (so it can write without waiting for the database).
CREATE TABLE calls (
  id             TEXT PRIMARY KEY,
  direction      TEXT NOT NULL DEFAULT 'inbound',  -- inbound | outbound
  from_number    TEXT NOT NULL DEFAULT '',
  to_number      TEXT NOT NULL DEFAULT '',
  customer_id    BIGINT REFERENCES customers(id) ON DELETE SET NULL,
  region_code    TEXT,                             -- the caller's region when known
  started_at     BIGINT NOT NULL,
  answered_at    BIGINT,                           -- by an agent
  ended_at       BIGINT,
  end_reason     TEXT,                             -- caller_hangup | agent_hangup | abandoned | ...
  ivr_path       TEXT NOT NULL DEFAULT '[]',       -- JSON array of IVR node ids in order
  digits         TEXT NOT NULL DEFAULT '[]',       -- JSON array of {"node","digits"}, PINs masked
  queue_name     TEXT,
  wait_s         INTEGER,
  agent_id       BIGINT REFERENCES agents(id) ON DELETE SET NULL,
  recording_id   TEXT,
  routing_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX calls_started ON calls(started_at);
CREATE INDEX calls_from ON calls(from_number, started_at);
CREATE INDEX calls_agent ON calls(agent_id, started_at);
CREATE INDEX calls_queue ON calls(queue_name, started_at);

-- Recording files (stereo WAV while the call lasts, MP3 after). The path is server-side only.
CREATE TABLE recordings (
  id          TEXT PRIMARY KEY,
  call_id     TEXT NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
  path        TEXT NOT NULL,
  format      TEXT NOT NULL,                     -- wav | mp3
  duration_ms BIGINT NOT NULL DEFAULT 0,
  size_bytes  BIGINT NOT NULL DEFAULT 0,
  created_at  BIGINT NOT NULL
);
CREATE INDEX recordings_call ON recordings(call_id);
