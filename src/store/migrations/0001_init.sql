-- 0001: the foundation schema. Runs on SQLite and PostgreSQL alike; the migration runner replaces
-- the token ID_PK with the dialect's auto-increment 64-bit primary key before running it.
-- Times are UTC milliseconds since the epoch (BIGINT); money is integer fen (BIGINT); flags 0/1.

-- Region codes are hierarchical: 350000 province, 350100 city, 350102 county, 350102-01 service
-- area (grid). A user bound to a region sees the subtree whose codes start with its scope prefix.
CREATE TABLE regions (
  code        TEXT PRIMARY KEY,
  parent_code TEXT REFERENCES regions(code),
  name        TEXT NOT NULL,
  level       TEXT NOT NULL,                 -- province | city | county | area
  area_class  TEXT NOT NULL DEFAULT 'urban', -- urban | rural | remote (repair arrival deadlines)
  centre      TEXT NOT NULL DEFAULT ''       -- the centre that serves it, e.g. fuzhou | xiamen
);
CREATE INDEX regions_parent ON regions(parent_code);

CREATE TABLE users (
  id            ID_PK,
  username      TEXT NOT NULL UNIQUE,
  display_name  TEXT NOT NULL DEFAULT '',
  role          TEXT NOT NULL,               -- agent | supervisor | backoffice | field | manager | admin
  region_code   TEXT REFERENCES regions(code),
  extension     TEXT UNIQUE,
  password_hash TEXT NOT NULL,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until  BIGINT,
  disabled      INTEGER NOT NULL DEFAULT 0,
  created_at    BIGINT NOT NULL,
  updated_at    BIGINT NOT NULL
);

-- Session tokens are stored as SHA-256 hashes only.
CREATE TABLE sessions (
  token_hash   TEXT PRIMARY KEY,
  user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token   TEXT NOT NULL,
  created_at   BIGINT NOT NULL,
  expires_at   BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE customers (
  id          ID_PK,
  customer_no TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL,
  kind        TEXT NOT NULL DEFAULT 'residential',  -- residential | business
  id_number   TEXT NOT NULL DEFAULT '',             -- shown masked
  address     TEXT NOT NULL DEFAULT '',
  region_code TEXT NOT NULL REFERENCES regions(code),
  vip_level   INTEGER NOT NULL DEFAULT 0,           -- 0 none .. 3 top
  language    TEXT NOT NULL DEFAULT 'zh',           -- zh (普通话) | nan (闽南语) | yue (粤语) | en
  vulnerable  INTEGER NOT NULL DEFAULT 0,           -- life-support equipment, elderly living alone
  note        TEXT NOT NULL DEFAULT '',
  created_at  BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL
);
CREATE INDEX customers_region ON customers(region_code);
CREATE INDEX customers_name ON customers(name);

CREATE TABLE customer_phones (
  phone       TEXT NOT NULL,
  customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  kind        TEXT NOT NULL DEFAULT 'mobile',       -- mobile | landline
  PRIMARY KEY (phone, customer_id)
);
CREATE INDEX customer_phones_customer ON customer_phones(customer_id);

CREATE TABLE accounts (
  id          ID_PK,
  account_no  TEXT NOT NULL UNIQUE,
  customer_id BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  kind        TEXT NOT NULL DEFAULT 'residential',  -- residential | business
  meter_no    TEXT NOT NULL DEFAULT '',
  tariff      TEXT NOT NULL DEFAULT '',             -- e.g. 居民阶梯电价 / 一般工商业 / 大工业
  address     TEXT NOT NULL DEFAULT '',
  region_code TEXT NOT NULL REFERENCES regions(code),
  balance_fen BIGINT NOT NULL DEFAULT 0,            -- prepaid balance
  arrears_fen BIGINT NOT NULL DEFAULT 0,            -- amount overdue
  pin_hash    TEXT NOT NULL DEFAULT '',             -- IVR PIN, argon2id; never returned
  status      TEXT NOT NULL DEFAULT 'active',       -- active | suspended | closed
  created_at  BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL
);
CREATE INDEX accounts_customer ON accounts(customer_id);
CREATE INDEX accounts_arrears ON accounts(customer_id) WHERE arrears_fen > 0;

CREATE TABLE bills (
  id          ID_PK,
  account_id  BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  period      TEXT NOT NULL,                        -- YYYY-MM
  kwh         BIGINT NOT NULL DEFAULT 0,            -- usage (or m³ for gas/water)
  amount_fen  BIGINT NOT NULL,
  paid_fen    BIGINT NOT NULL DEFAULT 0,
  due_date    TEXT NOT NULL,                        -- YYYY-MM-DD, centre's calendar
  status      TEXT NOT NULL,                        -- unpaid | partial | paid
  issued_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX bills_account_period ON bills(account_id, period);

CREATE TABLE payments (
  id          ID_PK,
  account_id  BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  amount_fen  BIGINT NOT NULL,
  channel     TEXT NOT NULL,                        -- counter | wechat | alipay | bank | phone
  reference   TEXT NOT NULL DEFAULT '',
  paid_at     BIGINT NOT NULL
);
CREATE INDEX payments_account ON payments(account_id, paid_at);

CREATE TABLE outages (
  id                   ID_PK,
  kind                 TEXT NOT NULL,               -- planned | unplanned
  reason               TEXT NOT NULL DEFAULT '',
  description          TEXT NOT NULL DEFAULT '',
  starts_at            BIGINT NOT NULL,
  ends_at              BIGINT,                      -- planned end or estimated restoration
  restored_at          BIGINT,                      -- actual end; NULL while not restored
  status               TEXT NOT NULL DEFAULT 'scheduled', -- scheduled | active | restored | cancelled
  created_by           BIGINT REFERENCES users(id),
  created_at           BIGINT NOT NULL,
  updated_at           BIGINT NOT NULL
);
CREATE INDEX outages_time ON outages(starts_at);

-- The areas an outage affects: any region code (a whole county, or single service areas).
CREATE TABLE outage_areas (
  region_code TEXT NOT NULL REFERENCES regions(code),
  outage_id   BIGINT NOT NULL REFERENCES outages(id) ON DELETE CASCADE,
  PRIMARY KEY (region_code, outage_id)
);
CREATE INDEX outage_areas_outage ON outage_areas(outage_id);

-- Contact history: every call, chat, SMS or visit about a customer. Filled by later parts.
CREATE TABLE contacts (
  id            ID_PK,
  customer_id   BIGINT REFERENCES customers(id) ON DELETE SET NULL,
  channel       TEXT NOT NULL,                      -- voice | chat | email | sms | callback | visit
  direction     TEXT NOT NULL DEFAULT 'inbound',    -- inbound | outbound
  phone         TEXT NOT NULL DEFAULT '',
  call_id       TEXT,
  agent_user_id BIGINT REFERENCES users(id),
  category      TEXT NOT NULL DEFAULT '',           -- repair | complaint | inquiry | ...
  disposition   TEXT NOT NULL DEFAULT '',
  summary       TEXT NOT NULL DEFAULT '',
  region_code   TEXT,
  started_at    BIGINT NOT NULL,
  ended_at      BIGINT
);
CREATE INDEX contacts_customer ON contacts(customer_id, started_at);

CREATE TABLE audit_log (
  id        ID_PK,
  at        BIGINT NOT NULL,
  user_id   BIGINT,
  action    TEXT NOT NULL,                          -- e.g. user.create, customer.update
  target    TEXT NOT NULL DEFAULT '',
  detail    TEXT NOT NULL DEFAULT ''                -- JSON
);
CREATE INDEX audit_log_at ON audit_log(at);
