-- 0010: what the work-order pages record beyond the state change on a timeline row: the
-- structured arrival location of a "start" (arrive) transition and the field changes of an
-- "edit" row, as JSON text. NULL for rows that carry nothing more than their note.
ALTER TABLE work_order_transitions ADD COLUMN data TEXT;
