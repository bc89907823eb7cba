-- medkiosk county hub, part 3: the public report. Only counts leave the hub; no serial hash, batch,
-- session or receipt code appears in a report view.

-- decision and category are the final ones: a pharmacist's latest approve, reject or dispose overrides
-- the kiosk's decision (a pack the kiosk sent for review and a pharmacist approved counts as accepted;
-- one disposed counts as refused), and the latest re-classification overrides the catalogue's category.
-- kiosk_decision keeps what the kiosk decided at the counter.
CREATE OR REPLACE VIEW hub.report_dropoff AS
    SELECT d.kiosk_id AS drop_off_point,
           coalesce(k.location, d.kiosk_id) AS location,
           d.recorded_at,
           (date_trunc('week', d.recorded_at AT TIME ZONE 'UTC'))::date AS week,
           coalesce(reclassified.category, c.category, 'unclassified') AS category,
           CASE reviewed.action WHEN 'approve' THEN 'accept' WHEN 'reject' THEN 'refuse' WHEN 'dispose' THEN 'refuse'
                                ELSE d.decision END AS decision,
           d.reason,
           d.quantity,
           d.decision AS kiosk_decision
    FROM hub.dropoff d
    LEFT JOIN hub.catalogue c ON c.gtin = d.gtin AND NOT c.deleted
    LEFT JOIN hub.kiosk k ON k.kiosk_id = d.kiosk_id
    LEFT JOIN LATERAL (SELECT r.action FROM hub.review_action r
                       WHERE r.kiosk_id = d.kiosk_id AND r.dropoff_uuid = d.uuid AND r.action <> 'reclassify'
                       ORDER BY r.acted_at DESC LIMIT 1) reviewed ON true
    LEFT JOIN LATERAL (SELECT r.category FROM hub.review_action r
                       WHERE r.kiosk_id = d.kiosk_id AND r.dropoff_uuid = d.uuid AND r.action = 'reclassify'
                       ORDER BY r.acted_at DESC LIMIT 1) reclassified ON true;

-- item_count: packs dispatched (the sum of the items' quantities as the kiosk synced them); a dispatch
-- entered at the hub without items keeps its own count.
CREATE OR REPLACE VIEW hub.report_dispatch AS
    SELECT d.kiosk_id AS drop_off_point, d.clinic, d.dispatched_at,
           (date_trunc('week', d.dispatched_at AT TIME ZONE 'UTC'))::date AS week,
           coalesce(i.packs, d.item_count) AS item_count
    FROM hub.dispatch d
    LEFT JOIN LATERAL (SELECT sum(x.quantity)::integer AS packs FROM hub.dispatch_item x
                       WHERE x.kiosk_id = d.kiosk_id AND x.dispatch_uuid = d.uuid) i ON true;

-- The last heartbeat of every kiosk, for the bureau's monitoring.
CREATE OR REPLACE VIEW hub.kiosk_status AS
    SELECT DISTINCT ON (kiosk_id) * FROM hub.heartbeat ORDER BY kiosk_id, received_at DESC;

-- A donor's receipt code shows the outcome of that donation's own items and nothing else.
CREATE OR REPLACE FUNCTION hub.receipt_lookup(code pg_catalog.text)
    RETURNS TABLE (recorded_at pg_catalog.timestamptz, product pg_catalog.text, quantity pg_catalog.int4,
                   decision pg_catalog.text, reason pg_catalog.text, review_state pg_catalog.text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, hub, pg_temp AS $$
    -- The outcome is the latest staff action the kiosk synced: dispatched, else the last review's state.
    SELECT d.recorded_at, coalesce(c.name, d.gtin, d.product_id, d.scheme), d.quantity, d.decision, d.reason,
           CASE WHEN EXISTS (SELECT FROM hub.dispatch_item x WHERE x.kiosk_id = d.kiosk_id AND x.dropoff_uuid = d.uuid)
                THEN 'dispatched'
                ELSE coalesce((SELECT r.payload->>'review_state' FROM hub.review_action r
                               WHERE r.kiosk_id = d.kiosk_id AND r.dropoff_uuid = d.uuid
                               ORDER BY r.acted_at DESC LIMIT 1), d.review_state)
           END
    -- One code, one session (hub.receipt_code), and only that kiosk's drop-offs of that session: by its
    -- UUID, or by number for a legacy session's legacy drop-offs.
    FROM hub.receipt_code rc
    JOIN hub.session s ON s.kiosk_id = rc.kiosk_id AND s.session_uuid = rc.session_uuid
    JOIN hub.dropoff d ON d.kiosk_id = s.kiosk_id
                      AND (d.session_uuid = s.session_uuid
                           OR (s.legacy AND d.session_uuid IS NULL AND d.session_id = s.session_id))
    LEFT JOIN hub.catalogue c ON c.gtin = d.gtin
    WHERE rc.code = upper(btrim(receipt_lookup.code))  -- the parameter, not the column
    ORDER BY d.sequence
$$;

REVOKE ALL ON hub.report_dropoff, hub.report_dispatch, hub.kiosk_status FROM PUBLIC;
GRANT SELECT ON hub.report_dropoff, hub.report_dispatch TO medkiosk_report;
REVOKE ALL ON FUNCTION hub.receipt_lookup(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub.receipt_lookup(text) TO medkiosk_report;
