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

-- The receipt-code lookup (hub.receipt_lookup) is in 06_use_reports.sql: it follows a pack to the
-- clinic that gave it out, so it needs the clinic tables of part 4.

REVOKE ALL ON hub.report_dropoff, hub.report_dispatch, hub.kiosk_status FROM PUBLIC;
GRANT SELECT ON hub.report_dropoff, hub.report_dispatch TO medkiosk_report;
