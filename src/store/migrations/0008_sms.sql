-- 0008: SMS for work-order pushes. Users get a mobile number (assignment, urging and overdue
-- reach it by SMS), and the outbox holds every message to send: it is written in the same
-- transaction as the change it tells of, so an acknowledged push survives a crash, and the SMS
-- worker drains it through Kannel with retries.

ALTER TABLE users ADD COLUMN mobile TEXT;

CREATE TABLE sms_outbox (
  id               ID_PK,
  recipient        TEXT NOT NULL,                   -- normalised mobile number
  message          TEXT NOT NULL,                   -- UTF-8
  state            TEXT NOT NULL DEFAULT 'queued',  -- queued | sent | failed
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  BIGINT NOT NULL,                 -- ms UTC; when the worker may try (again)
  last_error       TEXT NOT NULL DEFAULT '',
  kind             TEXT NOT NULL DEFAULT '',        -- work_order.assigned | .urged | .warning | .overdue
  order_id         BIGINT REFERENCES work_orders(id) ON DELETE SET NULL,
  created_at       BIGINT NOT NULL,
  sent_at          BIGINT
);
CREATE INDEX sms_outbox_due ON sms_outbox(state, next_attempt_at);
