-- medkiosk county hub, part 6: what the public sees of the clinics' side — packs received, given out,
-- expired unused and in stock per clinic, township, category and week — and the donor's receipt
-- lookup, which follows each pack to the township that received it and the week it was given out.
-- Only counts leave the hub: no serial hash, batch, session, receipt code or person; no date finer
-- than a week in the receipt lookup. Idempotent, like parts 1-5.

-- Dispatches with their clinic (matched from free text for older ones) and its township; a dispatch
-- that named no known clinic keeps the name it was typed with (typed_name).
CREATE OR REPLACE VIEW hub.report_dispatch_clinic AS
    SELECT d.kiosk_id AS drop_off_point, d.clinic_id, c.name_zh AS clinic_zh, c.name_en AS clinic_en, c.kind,
           c.township_zh, c.township_en, d.dispatched_at,
           (date_trunc('week', d.dispatched_at AT TIME ZONE 'UTC'))::date AS week,
           coalesce(i.packs, d.item_count) AS packs, d.order_uuid,
           CASE WHEN c.kind = 'other' THEN d.clinic END AS typed_name
    FROM hub.dispatch d
    JOIN hub.clinic c ON c.clinic_id = d.clinic_id
    LEFT JOIN LATERAL (SELECT sum(x.quantity)::integer AS packs FROM hub.dispatch_item x
                       WHERE x.kiosk_id = d.kiosk_id AND x.dispatch_uuid = d.uuid) i ON true;

-- The county's clinics as the public knows them (no coordinates).
CREATE OR REPLACE VIEW hub.report_clinic AS
    SELECT clinic_id, name_zh, name_en, kind, township_zh, township_en, deleted FROM hub.clinic;

-- The arrivals that count: of a dispatch the hub holds, confirmed by the clinic it was sent to. Any
-- clinic's device may confirm a dispatch the hub does not hold yet (hub.clinic_record cannot tell then),
-- so an arrival from a clinic the dispatch was not sent to waits here and never counts. A dispatch typed
-- with a name no clinic matched ("other", before clinics were reference data) counts the first arrival
-- the hub took, and the addressee's once hub.rematch_other_dispatches() finds its clinic. "First" is
-- hub.arrival.taken_order, numbered when the row is inserted: a timestamp from now() is the caller's
-- transaction start, which a device could open early and hold until the genuine clinic had confirmed.
CREATE OR REPLACE VIEW hub.arrival_counted AS
    SELECT a.kiosk_id, a.uuid, a.clinic_id, a.dispatch_kiosk_id, a.dispatch_uuid, a.received_at
    FROM hub.arrival a
    JOIN hub.dispatch d ON d.kiosk_id = a.dispatch_kiosk_id AND d.uuid = a.dispatch_uuid
    WHERE d.clinic_id = a.clinic_id
       OR (d.clinic_id = 'other' AND (a.kiosk_id, a.uuid) = (
               SELECT f.kiosk_id, f.uuid FROM hub.arrival f
               WHERE f.dispatch_kiosk_id = a.dispatch_kiosk_id AND f.dispatch_uuid = a.dispatch_uuid
               ORDER BY f.taken_order LIMIT 1));

-- The arrival lines the public figures count. A manifest QR carries no signature: anyone can print
-- one, and a clinic device cannot tell it from a real one. The hub can: a line counts once the hub
-- holds the dispatch the arrival names, sent to this clinic (or to "other", typed before clinics were
-- reference data), listing that line with the same product and at least as many packs as were
-- received. Extra packs (not on the list) count with a confirmed dispatch while the arrival's extras
-- are no more than the packs the dispatch listed: a box holds a few packs nobody scanned, never a
-- million, and no count on the device's word alone may inflate the public figures (the claim still
-- shows in hub.report_arrival's extra column for the bureau to check). An arrival whose dispatch has
-- not synced yet waits here uncounted, and counts as soon as it has.
CREATE OR REPLACE VIEW hub.arrival_line_counted AS
    SELECT l.kiosk_id, l.arrival_uuid, l.line_no, l.category, l.received, l.damaged, a.clinic_id, a.received_at
    FROM hub.arrival_counted a
    JOIN hub.arrival_line l ON l.kiosk_id = a.kiosk_id AND l.arrival_uuid = a.uuid
    JOIN hub.dispatch d ON d.kiosk_id = a.dispatch_kiosk_id AND d.uuid = a.dispatch_uuid
    WHERE (l.extra AND (SELECT sum(e.received) FROM hub.arrival_line e
                        WHERE e.kiosk_id = l.kiosk_id AND e.arrival_uuid = l.arrival_uuid AND e.extra)
                       <= (SELECT coalesce(sum(listed.quantity), 0) FROM hub.dispatch_line listed
                           WHERE listed.kiosk_id = d.kiosk_id AND listed.dispatch_uuid = d.uuid))
       OR EXISTS (
        SELECT FROM hub.dispatch_line listed
        WHERE listed.kiosk_id = d.kiosk_id AND listed.dispatch_uuid = d.uuid AND listed.line_no = l.line_no
          AND listed.product = l.product AND l.received <= listed.quantity);

-- Every change to a clinic's stock as a dated count in one category: usable packs received (counted
-- minus damaged on arrival), given out, sent to disposal expired or damaged — of counted arrivals only.
CREATE OR REPLACE VIEW hub.clinic_stock_event AS
    SELECT l.clinic_id, l.category, (l.received_at AT TIME ZONE 'UTC')::date AS day,
           (l.received - l.damaged) AS received, 0 AS given_out, 0 AS expired_unused, 0 AS disposed_damaged
    FROM hub.arrival_line_counted l
    UNION ALL
    SELECT g.clinic_id, l.category, g.given_on, 0, g.quantity, 0, 0
    FROM hub.given_out g
    JOIN hub.arrival_line_counted l
      ON l.kiosk_id = g.kiosk_id AND l.arrival_uuid = g.arrival_uuid AND l.line_no = g.line_no
    UNION ALL
    SELECT x.clinic_id, l.category, x.disposed_on, 0, 0,
           CASE WHEN x.reason = 'expired' THEN x.quantity ELSE 0 END,
           CASE WHEN x.reason = 'damaged' THEN x.quantity ELSE 0 END
    FROM hub.clinic_disposal x
    JOIN hub.arrival_line_counted l
      ON l.kiosk_id = x.kiosk_id AND l.arrival_uuid = x.arrival_uuid AND l.line_no = x.line_no;

-- Per clinic, category and week (Monday): what came in and went out that week.
CREATE OR REPLACE VIEW hub.report_clinic_use AS
    SELECT e.clinic_id, c.name_zh AS clinic_zh, c.name_en AS clinic_en, c.kind, c.township_zh, c.township_en,
           e.category, (date_trunc('week', e.day))::date AS week,
           sum(e.received)::bigint AS received, sum(e.given_out)::bigint AS given_out,
           sum(e.expired_unused)::bigint AS expired_unused, sum(e.disposed_damaged)::bigint AS disposed_damaged
    FROM hub.clinic_stock_event e JOIN hub.clinic c ON c.clinic_id = e.clinic_id
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;

-- Arrivals as counted against their manifests, per clinic: missing = expected - received on the
-- manifest's lines; extra = packs that were not on it.
CREATE OR REPLACE VIEW hub.report_arrival AS
    SELECT a.clinic_id, c.name_zh AS clinic_zh, c.name_en AS clinic_en, c.township_zh, c.township_en,
           a.received_at, (date_trunc('week', a.received_at AT TIME ZONE 'UTC'))::date AS week,
           sum(l.expected) FILTER (WHERE NOT l.extra)::bigint AS expected,
           sum(l.received) FILTER (WHERE NOT l.extra)::bigint AS received,
           sum(greatest(l.expected - l.received, 0)) FILTER (WHERE NOT l.extra)::bigint AS missing,
           sum(l.damaged)::bigint AS damaged,
           coalesce(sum(l.received) FILTER (WHERE l.extra), 0)::bigint AS extra
    -- Only arrivals of a dispatch the hub holds for this clinic.
    FROM hub.arrival_counted a
    JOIN hub.arrival_line l ON l.kiosk_id = a.kiosk_id AND l.arrival_uuid = a.uuid
    JOIN hub.clinic c ON c.clinic_id = a.clinic_id
    GROUP BY a.kiosk_id, a.uuid, a.clinic_id, c.name_zh, c.name_en, c.township_zh, c.township_en, a.received_at;

-- A donor's receipt code shows its own items and nothing else: for each, the product, the week it
-- was recorded, and how far it went — refused, awaiting review, accepted, dispatched to a township,
-- given out (with the week). Packs on one manifest line are alike (same product, expiry and
-- category), so a line's packs given out are counted against its drop-offs in the order the
-- dispatch listed them.
DO $drop_old$
BEGIN
    -- Before part 6 the lookup returned the exact recording time; a changed result type needs a drop.
    IF EXISTS (SELECT FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
               WHERE n.nspname = 'hub' AND p.proname = 'receipt_lookup'
                 AND pg_get_function_result(p.oid) NOT LIKE '%given_out_week%') THEN
        DROP FUNCTION hub.receipt_lookup(text);
    END IF;
END
$drop_old$;

CREATE OR REPLACE FUNCTION hub.receipt_lookup(code pg_catalog.text)
    RETURNS TABLE (item pg_catalog.int4, product pg_catalog.text, quantity pg_catalog.int4,
                   recorded_week pg_catalog.text, outcome pg_catalog.text, reason pg_catalog.text,
                   township_zh pg_catalog.text, township_en pg_catalog.text, dispatched pg_catalog.int4,
                   given_out pg_catalog.int4, given_out_week pg_catalog.text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, hub, pg_temp AS $$
    WITH mine AS (
        SELECT d.kiosk_id, d.uuid, d.sequence, d.quantity, d.decision, d.reason, d.recorded_at,
               coalesce(c.name, d.gtin, d.product_id, d.scheme) AS product,
               (SELECT r.action FROM hub.review_action r
                WHERE r.kiosk_id = d.kiosk_id AND r.dropoff_uuid = d.uuid AND r.action <> 'reclassify'
                ORDER BY r.acted_at DESC LIMIT 1) AS reviewed
        -- One code, one session (hub.receipt_code), and only that kiosk's drop-offs of that session: by
        -- its UUID, or by number for a legacy session's legacy drop-offs.
        FROM hub.receipt_code rc
        JOIN hub.session s ON s.kiosk_id = rc.kiosk_id AND s.session_uuid = rc.session_uuid
        JOIN hub.dropoff d ON d.kiosk_id = s.kiosk_id
                          AND (d.session_uuid = s.session_uuid
                               OR (s.legacy AND d.session_uuid IS NULL AND d.session_id = s.session_id))
        LEFT JOIN hub.catalogue c ON c.gtin = d.gtin
        WHERE rc.code = upper(btrim(receipt_lookup.code))  -- the parameter, not the column
    ), lines AS (
        -- Every manifest line holding one of these drop-offs, with the positions of all its packs.
        SELECT il.kiosk_id, il.dispatch_uuid, il.line_no, il.dropoff_uuid, il.quantity,
               sum(il.quantity) OVER (PARTITION BY il.kiosk_id, il.dispatch_uuid, il.line_no ORDER BY il.ord)
                   - il.quantity AS first_pack
        FROM hub.dispatch_item_line il
        WHERE (il.kiosk_id, il.dispatch_uuid) IN (SELECT x.kiosk_id, x.dispatch_uuid FROM hub.dispatch_item x
                                                  JOIN mine m ON m.kiosk_id = x.kiosk_id AND m.uuid = x.dropoff_uuid)
    ), placed AS (
        SELECT l.*, a.kiosk_id AS clinic_device, a.uuid AS arrival_uuid, d.clinic_id
        FROM lines l
        JOIN mine m ON m.kiosk_id = l.kiosk_id AND m.uuid = l.dropoff_uuid
        JOIN hub.dispatch d ON d.kiosk_id = l.kiosk_id AND d.uuid = l.dispatch_uuid
        -- The one arrival that counts (a claim by a clinic the dispatch was not sent to follows no pack),
        -- and only through its line the public figures count (hub.arrival_line_counted: the product
        -- and no more packs than this manifest line listed); a line counted as extra packs holds none
        -- of the donor's. Otherwise the receipt would show packs given out that no report counts.
        LEFT JOIN LATERAL (
            SELECT c.kiosk_id, c.uuid FROM hub.arrival_counted c
            WHERE c.dispatch_kiosk_id = l.kiosk_id AND c.dispatch_uuid = l.dispatch_uuid
              AND EXISTS (
                  SELECT FROM hub.arrival_line_counted lc
                  JOIN hub.arrival_line al
                    ON al.kiosk_id = lc.kiosk_id AND al.arrival_uuid = lc.arrival_uuid AND al.line_no = lc.line_no
                  WHERE lc.kiosk_id = c.kiosk_id AND lc.arrival_uuid = c.uuid AND lc.line_no = l.line_no
                    AND NOT al.extra)) a ON true
    ), used AS (
        SELECT p.kiosk_id, p.dropoff_uuid, p.quantity,
               greatest(0, least(p.first_pack + p.quantity, coalesce(g.total, 0)) - p.first_pack) AS given,
               (SELECT min(e.given_on) FROM (
                    SELECT x.given_on, sum(x.quantity) OVER (ORDER BY x.given_on, x.uuid) AS upto
                    FROM hub.given_out x WHERE x.kiosk_id = p.clinic_device AND x.arrival_uuid = p.arrival_uuid
                      AND x.line_no = p.line_no) e
                WHERE e.upto >= least(p.first_pack + p.quantity, coalesce(g.total, 0))
                  AND least(p.first_pack + p.quantity, coalesce(g.total, 0)) > p.first_pack) AS last_given_on
        FROM placed p
        LEFT JOIN LATERAL (SELECT sum(x.quantity) AS total FROM hub.given_out x
                           WHERE x.kiosk_id = p.clinic_device AND x.arrival_uuid = p.arrival_uuid
                             AND x.line_no = p.line_no) g ON true
    ), per_dropoff AS (
        SELECT u.kiosk_id, u.dropoff_uuid, sum(u.quantity)::integer AS dispatched, sum(u.given)::integer AS given,
               max(u.last_given_on) AS last_given_on
        FROM used u GROUP BY 1, 2
    ), destination AS (
        -- Where the drop-off was dispatched (the latest dispatch when it was split).
        SELECT DISTINCT ON (x.kiosk_id, x.dropoff_uuid) x.kiosk_id, x.dropoff_uuid, c.township_zh, c.township_en,
               c.kind
        FROM hub.dispatch_item x
        JOIN mine m ON m.kiosk_id = x.kiosk_id AND m.uuid = x.dropoff_uuid
        JOIN hub.dispatch d ON d.kiosk_id = x.kiosk_id AND d.uuid = x.dispatch_uuid
        JOIN hub.clinic c ON c.clinic_id = d.clinic_id
        ORDER BY x.kiosk_id, x.dropoff_uuid, d.dispatched_at DESC
    ), dispatched_total AS (
        SELECT x.kiosk_id, x.dropoff_uuid, sum(x.quantity)::integer AS quantity
        FROM hub.dispatch_item x JOIN mine m ON m.kiosk_id = x.kiosk_id AND m.uuid = x.dropoff_uuid
        GROUP BY 1, 2
    )
    SELECT (row_number() OVER (ORDER BY m.sequence))::integer, m.product, m.quantity,
           to_char(m.recorded_at AT TIME ZONE 'UTC', 'IYYY-"W"IW'),
           CASE WHEN coalesce(p.given, 0) > 0 AND p.given >= coalesce(t.quantity, 0) THEN 'given out'
                WHEN coalesce(p.given, 0) > 0 THEN 'partly given out'
                WHEN t.quantity IS NOT NULL THEN 'dispatched'
                WHEN m.reviewed IN ('reject', 'dispose') THEN 'refused'
                WHEN m.reviewed = 'approve' THEN 'accepted'
                WHEN m.decision = 'accept' THEN 'accepted'
                WHEN m.decision = 'review' THEN 'awaiting review'
                ELSE 'refused' END,
           CASE WHEN m.reviewed = 'dispose' AND t.quantity IS NULL THEN 'sent to disposal'
                WHEN m.reviewed = 'reject' AND t.quantity IS NULL THEN 'refused by a pharmacist'
                ELSE m.reason END,
           CASE WHEN dest.kind = 'other' THEN NULL ELSE dest.township_zh END,
           CASE WHEN dest.kind = 'other' THEN NULL ELSE dest.township_en END,
           coalesce(t.quantity, 0), coalesce(p.given, 0),
           to_char(p.last_given_on, 'IYYY-"W"IW')
    FROM mine m
    LEFT JOIN per_dropoff p ON p.kiosk_id = m.kiosk_id AND p.dropoff_uuid = m.uuid
    LEFT JOIN dispatched_total t ON t.kiosk_id = m.kiosk_id AND t.dropoff_uuid = m.uuid
    LEFT JOIN destination dest ON dest.kiosk_id = m.kiosk_id AND dest.dropoff_uuid = m.uuid
    ORDER BY m.sequence
$$;

REVOKE ALL ON hub.report_clinic, hub.report_dispatch_clinic, hub.arrival_counted, hub.arrival_line_counted,
    hub.clinic_stock_event, hub.report_clinic_use, hub.report_arrival FROM PUBLIC;
GRANT SELECT ON hub.report_clinic, hub.report_dispatch_clinic, hub.clinic_stock_event, hub.report_clinic_use,
    hub.report_arrival TO medkiosk_report;
REVOKE ALL ON FUNCTION hub.receipt_lookup(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub.receipt_lookup(text) TO medkiosk_report;
