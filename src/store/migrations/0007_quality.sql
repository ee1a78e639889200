-- 0007: agent quality scoring (and, at the end, a title search vector for the knowledge base
-- on PostgreSQL). Supervisors score a recorded call against a scoring form (items with maximum
-- points and weights: 问候语规范, 业务准确, 服务态度, 结束语 …). A score keeps the
-- points given per item and the weighted total and maximum, so later edits of the form never
-- change a score already given. Runs on SQLite and PostgreSQL alike (ID_PK as in 0001).

CREATE TABLE quality_forms (
  id          ID_PK,
  name        TEXT NOT NULL UNIQUE,
  description TEXT NOT NULL DEFAULT '',
  active      INTEGER NOT NULL DEFAULT 1,            -- 0: kept for old scores, not offered
  created_by  BIGINT REFERENCES users(id) ON DELETE SET NULL,
  created_at  BIGINT NOT NULL,
  updated_at  BIGINT NOT NULL
);

-- The items of a form, in order. A score's weighted total is Σ points × weight over the
-- items, its maximum Σ max_points × weight.
CREATE TABLE quality_form_items (
  id          ID_PK,
  form_id     BIGINT NOT NULL REFERENCES quality_forms(id) ON DELETE CASCADE,
  position    INTEGER NOT NULL,
  name        TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  max_points  INTEGER NOT NULL,                      -- 1..1000
  weight      INTEGER NOT NULL DEFAULT 1             -- 1..100
);
CREATE UNIQUE INDEX quality_form_items_position ON quality_form_items(form_id, position);

-- One score of one call by one supervisor.
CREATE TABLE quality_scores (
  id          ID_PK,
  call_id     TEXT NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
  agent_id    BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  form_id     BIGINT NOT NULL REFERENCES quality_forms(id),
  items       TEXT NOT NULL DEFAULT '[]',            -- JSON [{"item_id","name","points","max_points","weight"}]
  total       INTEGER NOT NULL,                      -- weighted points given
  max_total   INTEGER NOT NULL,                      -- weighted maximum of the form
  comment     TEXT NOT NULL DEFAULT '',
  scored_by   BIGINT REFERENCES users(id) ON DELETE SET NULL,
  scored_at   BIGINT NOT NULL
);
CREATE INDEX quality_scores_agent ON quality_scores(agent_id, scored_at);
CREATE INDEX quality_scores_call ON quality_scores(call_id);
CREATE INDEX quality_scores_scored ON quality_scores(scored_at);

-- What reports read (agent performance): one row per score.
CREATE VIEW quality_agent_scores AS
  SELECT agent_id, call_id, total, max_total, scored_at FROM quality_scores;

-- Knowledge-base search on PostgreSQL: title and tags in a tsvector of their own (small, never
-- toasted), so ranking the title matches of a common word does not decompress every body.
-- @postgres
ALTER TABLE kb_search ADD COLUMN title_tsv tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('simple', title_tokens), 'A') ||
  setweight(to_tsvector('simple', tags_tokens), 'B')) STORED;
CREATE INDEX kb_search_title_tsv ON kb_search USING GIN (title_tsv);
-- @end

-- Knowledge-base search filters its ranked candidates by state, validity, region and category:
-- a covering index answers that without reading the article rows (and their bodies).
CREATE INDEX kb_articles_search_filter
  ON kb_articles(id, state, valid_from, valid_to, region_code, category_id);
