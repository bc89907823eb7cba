-- medkiosk county hub, part 3: the public report. Only counts leave the hub; no serial hash, batch,
-- session or receipt code appears in a report view.

CREATE OR REPLACE VIEW hub.report_dropoff AS
    SELECT d.kiosk_id AS drop_off_point,
           coalesce(k.location, d.kiosk_id) AS location,
           d.recorded_at,
           (date_trunc('week', d.recorded_at AT TIME ZONE 'UTC'))::date AS week,
           coalesce(c.category, 'unclassified') AS category,
           d.decision,
           d.reason,
           d.quantity
    FROM hub.dropoff d
    LEFT JOIN hub.catalogue c ON c.gtin = d.gtin AND NOT c.deleted
    LEFT JOIN hub.kiosk k ON k.kiosk_id = d.kiosk_id;

CREATE OR REPLACE VIEW hub.report_dispatch AS
    SELECT kiosk_id AS drop_off_point, clinic, dispatched_at,
           (date_trunc('week', dispatched_at AT TIME ZONE 'UTC'))::date AS week, item_count
    FROM hub.dispatch;

-- The last heartbeat of every kiosk, for the bureau's monitoring.
CREATE OR REPLACE VIEW hub.kiosk_status AS
    SELECT DISTINCT ON (kiosk_id) * FROM hub.heartbeat ORDER BY kiosk_id, received_at DESC;

-- A donor's receipt code shows the outcome of that donation's own items and nothing else.
CREATE OR REPLACE FUNCTION hub.receipt_lookup(code text)
    RETURNS TABLE (recorded_at timestamptz, product text, quantity integer, decision text, reason text,
                   review_state text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, hub AS $$
    SELECT d.recorded_at, coalesce(c.name, d.gtin, d.product_id, d.scheme), d.quantity, d.decision, d.reason,
           d.review_state
    FROM hub.session s
    JOIN hub.dropoff d ON d.kiosk_id = s.kiosk_id AND d.session_id = s.session_id
    LEFT JOIN hub.catalogue c ON c.gtin = d.gtin
    WHERE s.receipt_code = upper(btrim(code))
    ORDER BY d.sequence
$$;

REVOKE ALL ON hub.report_dropoff, hub.report_dispatch, hub.kiosk_status FROM PUBLIC;
GRANT SELECT ON hub.report_dropoff, hub.report_dispatch TO medkiosk_report;
REVOKE ALL ON FUNCTION hub.receipt_lookup(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub.receipt_lookup(text) TO medkiosk_report;
