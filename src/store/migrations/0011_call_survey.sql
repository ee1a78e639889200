-- 0011: the answers a caller keyed in an IVR survey during the call (e.g. the satisfaction
-- survey an agent sends them to), kept with the call record: JSON array of
-- {"survey","question","answer"} in the order asked; answer "" when none was valid.
ALTER TABLE calls ADD COLUMN survey_answers TEXT NOT NULL DEFAULT '[]';
