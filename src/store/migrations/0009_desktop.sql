-- 0009: the wallboard's alarm thresholds per queue, kept on the server so every wall display
-- and supervisor sees the same tiles turn red. A queue without a row uses the defaults
-- (more than 10 waiting, a caller waiting over 60 s, service level under 80 %).
CREATE TABLE queue_thresholds (
  queue_id           BIGINT PRIMARY KEY REFERENCES queues(id) ON DELETE CASCADE,
  waiting            INTEGER NOT NULL,   -- red above this many callers waiting
  longest_wait_s     INTEGER NOT NULL,   -- red when the oldest caller waited longer
  service_level_pct  INTEGER NOT NULL,   -- red under this share answered in target today
  updated_by         BIGINT,             -- users(id) of who set them last
  updated_at         BIGINT NOT NULL
);
