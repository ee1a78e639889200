-- 0003: work orders (design §9). Types are JSON definitions admins edit (the shipped ones are
-- installed by the store on first use); orders carry the workflow engine's progress fields so
-- the deadline checker finds due orders through next_check_at; every transition is an audit
-- row; attachments are files stored by content hash.

CREATE TABLE work_order_types (
  code        TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  category    TEXT NOT NULL,
  definition  TEXT NOT NULL,                        -- JSON, see workflow/order_type.h
  enabled     INTEGER NOT NULL DEFAULT 1,           -- deleting a type disables it (old orders keep it)
  shipped     INTEGER NOT NULL DEFAULT 0,           -- installed by the product, then admin-editable
  updated_at  BIGINT NOT NULL
);

-- The centre's business calendar: holidays, and weekend days that are worked (调休).
CREATE TABLE business_calendar_days (
  day   TEXT PRIMARY KEY,                           -- YYYY-MM-DD, local
  kind  TEXT NOT NULL                               -- holiday | workday
);

-- Order numbers GD + local date + a sequence per day: GD20261122000123.
CREATE TABLE work_order_counters (
  day       TEXT PRIMARY KEY,                       -- YYYYMMDD, local
  last_seq  BIGINT NOT NULL
);

CREATE TABLE work_orders (
  id                 ID_PK,
  number             TEXT NOT NULL UNIQUE,
  type_code          TEXT NOT NULL REFERENCES work_order_types(code),
  subtype            TEXT NOT NULL DEFAULT '',
  customer_id        BIGINT REFERENCES customers(id),
  account_id         BIGINT REFERENCES accounts(id),
  phone              TEXT NOT NULL DEFAULT '',      -- caller's number, normalised
  region_code        TEXT NOT NULL REFERENCES regions(code),
  area_class         TEXT NOT NULL DEFAULT 'urban', -- of region_code when created
  description        TEXT NOT NULL DEFAULT '',
  channel            TEXT NOT NULL DEFAULT 'voice', -- voice | web | wechat | app | sms | visit
  call_id            TEXT,
  fields             TEXT NOT NULL DEFAULT '{}',    -- further JSON fields (address, contact, ...)
  state              TEXT NOT NULL,
  step               INTEGER NOT NULL DEFAULT 0,
  department         TEXT NOT NULL DEFAULT '',
  responsible_region TEXT NOT NULL DEFAULT '',      -- county of the department; raised on escalation
  assignee_user_id   BIGINT REFERENCES users(id),
  parent_id          BIGINT REFERENCES work_orders(id),
  outage_id          BIGINT REFERENCES outages(id),
  escalation_level   INTEGER NOT NULL DEFAULT 0,
  urge_count         INTEGER NOT NULL DEFAULT 0,
  step_started_at    BIGINT,
  arrived_at         BIGINT,
  step_window_start  BIGINT,
  step_due_at        BIGINT,
  step_warned        INTEGER NOT NULL DEFAULT 0,
  due_at             BIGINT,
  due_warned         INTEGER NOT NULL DEFAULT 0,
  due_breached       INTEGER NOT NULL DEFAULT 0,
  overdue            INTEGER NOT NULL DEFAULT 0,
  next_check_at      BIGINT,                        -- when the deadline checker looks again
  created_by         BIGINT REFERENCES users(id),
  created_at         BIGINT NOT NULL,
  updated_at         BIGINT NOT NULL,
  resolved_at        BIGINT,
  closed_at          BIGINT
);
CREATE INDEX work_orders_customer ON work_orders(customer_id, created_at);
CREATE INDEX work_orders_account ON work_orders(account_id);
CREATE INDEX work_orders_phone ON work_orders(phone);
CREATE INDEX work_orders_region ON work_orders(region_code, created_at);
CREATE INDEX work_orders_created ON work_orders(created_at);
CREATE INDEX work_orders_state ON work_orders(state, created_at);
CREATE INDEX work_orders_assignee ON work_orders(assignee_user_id, state);
CREATE INDEX work_orders_department ON work_orders(department, responsible_region, state);
CREATE INDEX work_orders_parent ON work_orders(parent_id);
CREATE INDEX work_orders_outage ON work_orders(outage_id);
CREATE INDEX work_orders_call ON work_orders(call_id);
CREATE INDEX work_orders_next_check ON work_orders(next_check_at) WHERE next_check_at IS NOT NULL;

-- The audit trail: one row per transition (and per deadline warning), never updated.
CREATE TABLE work_order_transitions (
  id          ID_PK,
  order_id    BIGINT NOT NULL REFERENCES work_orders(id) ON DELETE CASCADE,
  at          BIGINT NOT NULL,
  user_id     BIGINT REFERENCES users(id),          -- NULL: the system (deadline checker)
  from_state  TEXT,                                 -- NULL for the creation row
  to_state    TEXT NOT NULL,
  action      TEXT NOT NULL,                        -- create | dispatch | ... | escalate | warn
  note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX work_order_transitions_order ON work_order_transitions(order_id, id);

CREATE TABLE work_order_attachments (
  id            ID_PK,
  order_id      BIGINT NOT NULL REFERENCES work_orders(id) ON DELETE CASCADE,
  sha256        TEXT NOT NULL,                      -- the stored file is named by it
  file_name     TEXT NOT NULL,
  content_type  TEXT NOT NULL,
  size_bytes    BIGINT NOT NULL,
  uploaded_by   BIGINT REFERENCES users(id),
  uploaded_at   BIGINT NOT NULL
);
CREATE INDEX work_order_attachments_order ON work_order_attachments(order_id, id);
