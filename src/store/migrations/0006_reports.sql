-- 0006: report summaries. The server folds new call records, agent state changes and work-order
-- audit rows into these tables as they happen (store/report_repository), each fold in one
-- transaction with the advance of its watermark, so a report never rescans the raw rows.
-- Buckets are UTC milliseconds: 15-minute rows (bucket_start a multiple of 900000) and day rows
-- (day_start = the UTC instant of local midnight in the centre's time zone). Hours roll up from
-- the 15-minute rows, months and years from the day rows; cities and provinces from counties
-- (region codes are hierarchical). Keys use '' / 0 for "none" so they can be primary keys.

-- Calls by (bucket of the call's start, queue, agent, caller's region). Seconds are summed so
-- averages come out exactly: ASA = wait_answer_s / answered, AHT = (talk + hold + acw) / answered.
CREATE TABLE report_calls_15m (
  bucket_start      BIGINT NOT NULL,
  queue_name        TEXT NOT NULL DEFAULT '',
  agent_id          BIGINT NOT NULL DEFAULT 0,
  region_code       TEXT NOT NULL DEFAULT '',
  offered           BIGINT NOT NULL DEFAULT 0,   -- every inbound call that ended
  ivr_contained     BIGINT NOT NULL DEFAULT 0,   -- ended in the IVR, never queued
  queued            BIGINT NOT NULL DEFAULT 0,   -- reached a queue
  answered          BIGINT NOT NULL DEFAULT 0,
  abandoned         BIGINT NOT NULL DEFAULT 0,   -- queued, never answered
  short_abandoned   BIGINT NOT NULL DEFAULT 0,   -- of those, waited under 5 s
  answered_in_sl    BIGINT NOT NULL DEFAULT 0,   -- answered within the queue's service level
  wait_answer_s     BIGINT NOT NULL DEFAULT 0,   -- sum of waits of answered calls (ASA)
  wait_abandon_s    BIGINT NOT NULL DEFAULT 0,
  talk_s            BIGINT NOT NULL DEFAULT 0,   -- answered → ended
  hold_s            BIGINT NOT NULL DEFAULT 0,
  transfers         BIGINT NOT NULL DEFAULT 0,
  callbacks         BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (bucket_start, queue_name, agent_id, region_code)
);
CREATE INDEX report_calls_15m_region ON report_calls_15m(region_code, bucket_start);
CREATE INDEX report_calls_15m_agent ON report_calls_15m(agent_id, bucket_start);

CREATE TABLE report_calls_day (
  day_start         BIGINT NOT NULL,
  queue_name        TEXT NOT NULL DEFAULT '',
  agent_id          BIGINT NOT NULL DEFAULT 0,
  region_code       TEXT NOT NULL DEFAULT '',
  offered           BIGINT NOT NULL DEFAULT 0,
  ivr_contained     BIGINT NOT NULL DEFAULT 0,
  queued            BIGINT NOT NULL DEFAULT 0,
  answered          BIGINT NOT NULL DEFAULT 0,
  abandoned         BIGINT NOT NULL DEFAULT 0,
  short_abandoned   BIGINT NOT NULL DEFAULT 0,
  answered_in_sl    BIGINT NOT NULL DEFAULT 0,
  wait_answer_s     BIGINT NOT NULL DEFAULT 0,
  wait_abandon_s    BIGINT NOT NULL DEFAULT 0,
  talk_s            BIGINT NOT NULL DEFAULT 0,
  hold_s            BIGINT NOT NULL DEFAULT 0,
  transfers         BIGINT NOT NULL DEFAULT 0,
  callbacks         BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (day_start, queue_name, agent_id, region_code)
);
CREATE INDEX report_calls_day_region ON report_calls_day(region_code, day_start);
CREATE INDEX report_calls_day_agent ON report_calls_day(agent_id, day_start);

-- IVR node visits (from the calls' ivr_path) by bucket and caller's region.
CREATE TABLE report_ivr_nodes_day (
  day_start    BIGINT NOT NULL,
  region_code  TEXT NOT NULL DEFAULT '',
  node         TEXT NOT NULL,
  visits       BIGINT NOT NULL DEFAULT 0,
  exits        BIGINT NOT NULL DEFAULT 0,   -- the call's path ended at this node
  PRIMARY KEY (day_start, region_code, node)
);

-- Agent time in state (occupancy = (on_call + wrap_up) / (ready + reserved + on_call + wrap_up)),
-- split at bucket boundaries; after-call work is the wrap_up time.
CREATE TABLE report_agent_15m (
  bucket_start BIGINT NOT NULL,
  agent_id     BIGINT NOT NULL,
  ready_s      BIGINT NOT NULL DEFAULT 0,
  reserved_s   BIGINT NOT NULL DEFAULT 0,
  on_call_s    BIGINT NOT NULL DEFAULT 0,
  wrap_up_s    BIGINT NOT NULL DEFAULT 0,
  break_s      BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (bucket_start, agent_id)
);
CREATE TABLE report_agent_day (
  day_start    BIGINT NOT NULL,
  agent_id     BIGINT NOT NULL,
  ready_s      BIGINT NOT NULL DEFAULT 0,
  reserved_s   BIGINT NOT NULL DEFAULT 0,
  on_call_s    BIGINT NOT NULL DEFAULT 0,
  wrap_up_s    BIGINT NOT NULL DEFAULT 0,
  break_s      BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (day_start, agent_id)
);

-- Work orders by (bucket of the audit row, type, order's region): created, closed (on time or
-- after the overall deadline), escalations, handling time of closed orders (created → closed)
-- and return-visit outcomes.
CREATE TABLE report_work_orders_15m (
  bucket_start        BIGINT NOT NULL,
  type_code           TEXT NOT NULL,
  region_code         TEXT NOT NULL,
  created             BIGINT NOT NULL DEFAULT 0,
  closed              BIGINT NOT NULL DEFAULT 0,
  closed_on_time      BIGINT NOT NULL DEFAULT 0,
  closed_overdue      BIGINT NOT NULL DEFAULT 0,
  escalated           BIGINT NOT NULL DEFAULT 0,
  handling_s          BIGINT NOT NULL DEFAULT 0,
  visits_satisfied    BIGINT NOT NULL DEFAULT 0,
  visits_unsatisfied  BIGINT NOT NULL DEFAULT 0,
  visits_unreachable  BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (bucket_start, type_code, region_code)
);
CREATE INDEX report_work_orders_15m_region ON report_work_orders_15m(region_code, bucket_start);
CREATE TABLE report_work_orders_day (
  day_start           BIGINT NOT NULL,
  type_code           TEXT NOT NULL,
  region_code         TEXT NOT NULL,
  created             BIGINT NOT NULL DEFAULT 0,
  closed              BIGINT NOT NULL DEFAULT 0,
  closed_on_time      BIGINT NOT NULL DEFAULT 0,
  closed_overdue      BIGINT NOT NULL DEFAULT 0,
  escalated           BIGINT NOT NULL DEFAULT 0,
  handling_s          BIGINT NOT NULL DEFAULT 0,
  visits_satisfied    BIGINT NOT NULL DEFAULT 0,
  visits_unsatisfied  BIGINT NOT NULL DEFAULT 0,
  visits_unreachable  BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (day_start, type_code, region_code)
);
CREATE INDEX report_work_orders_day_region ON report_work_orders_day(region_code, day_start);

-- State transitions (audit rows by the state they lead to) per day, type and region.
CREATE TABLE report_wo_states_day (
  day_start    BIGINT NOT NULL,
  type_code    TEXT NOT NULL,
  region_code  TEXT NOT NULL,
  to_state     TEXT NOT NULL,
  transitions  BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (day_start, type_code, region_code, to_state)
);

-- Durable watermarks: calls by (ended_at, id), audit and state-history rows by id. Calls that
-- ended within the grace window before the watermark are kept in report_folded_calls so a late
-- commit is still folded, and folded once.
CREATE TABLE report_watermarks (
  name      TEXT PRIMARY KEY,          -- calls | work_order_transitions | agent_state_history
  last_id   BIGINT NOT NULL DEFAULT 0,
  last_at   BIGINT NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE report_folded_calls (
  call_id   TEXT PRIMARY KEY,
  ended_at  BIGINT NOT NULL
);
CREATE INDEX report_folded_calls_ended ON report_folded_calls(ended_at);

-- The fold reads calls by end time.
CREATE INDEX calls_ended ON calls(ended_at);
