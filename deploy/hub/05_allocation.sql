-- medkiosk county hub, part 5: the bureau's allocation. Clinics' requests (category, quantity, needed
-- by), the county-wide stock they are served from, and the dispatch orders an allocation publishes
-- to the collection points. `medkioskctl hub allocate` plans (earliest expiry first, never a pack
-- that expires before it can be used, nearest collection point first) and hub.publish_allocation
-- checks the plan again under a lock and publishes it, so a pack is never allocated twice, even by
-- two allocations run at once. Idempotent, like parts 1-4.

-- What serialises the allocation's writers (publish, cancel). A table only the hub's functions may
-- lock, not an advisory lock: any login may take an advisory lock of any number and keep it, and a
-- kiosk's password holding 'medkiosk.allocation' froze the bureau's allocation for as long as it liked.
CREATE TABLE IF NOT EXISTS hub.allocation_lock (held boolean);

CREATE TABLE IF NOT EXISTS hub.clinic_request (
    request_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    clinic_id    text NOT NULL REFERENCES hub.clinic (clinic_id),
    category     text NOT NULL CHECK (category ~ '^[a-z][a-z0-9_-]{0,39}$'),
    quantity     integer NOT NULL CHECK (quantity BETWEEN 1 AND 100000),
    needed_by    date NOT NULL,
    note         text CHECK (length(note) <= 500),
    source       text NOT NULL CHECK (source IN ('cli', 'csv')),
    entered_by   text NOT NULL DEFAULT session_user,
    entered_at   timestamptz NOT NULL DEFAULT now(),
    cancelled_at timestamptz
);

-- One allocation that was published: its settings, who ran it and when.
CREATE TABLE IF NOT EXISTS hub.allocation_run (
    run_id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    as_of            date NOT NULL,
    margin_days      integer NOT NULL CHECK (margin_days >= 0),
    published_by     text NOT NULL DEFAULT session_user,
    published_at     timestamptz NOT NULL DEFAULT now()
);

-- An order: collection point `kiosk_id` sends these packs to the request's clinic. One order per
-- request and collection point. The collection point fulfils it with dispatches that name the order
-- (fully, or partly and later the rest); a dispatch with closes_order, or the bureau's cancellation,
-- releases what was not sent.
CREATE TABLE IF NOT EXISTS hub.dispatch_order (
    order_uuid   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    run_id       bigint NOT NULL REFERENCES hub.allocation_run (run_id),
    request_id   bigint NOT NULL REFERENCES hub.clinic_request (request_id),
    kiosk_id     text NOT NULL REFERENCES hub.kiosk (kiosk_id),
    clinic_id    text NOT NULL REFERENCES hub.clinic (clinic_id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    cancelled_at timestamptz,
    deleted      boolean GENERATED ALWAYS AS (cancelled_at IS NOT NULL) STORED,
    change_seq   bigint NOT NULL DEFAULT 0,
    UNIQUE (run_id, request_id, kiosk_id)
);
CREATE INDEX IF NOT EXISTS dispatch_order_by_kiosk ON hub.dispatch_order (kiosk_id, change_seq);
CREATE INDEX IF NOT EXISTS dispatch_order_by_request ON hub.dispatch_order (request_id);
DROP TRIGGER IF EXISTS stamp_change ON hub.dispatch_order;
CREATE TRIGGER stamp_change BEFORE INSERT OR UPDATE ON hub.dispatch_order
    FOR EACH ROW EXECUTE FUNCTION hub.stamp_change();

CREATE TABLE IF NOT EXISTS hub.dispatch_order_item (
    order_uuid   uuid NOT NULL REFERENCES hub.dispatch_order (order_uuid),
    kiosk_id     text NOT NULL,
    dropoff_uuid uuid NOT NULL,
    quantity     integer NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (order_uuid, kiosk_id, dropoff_uuid)
);
CREATE INDEX IF NOT EXISTS dispatch_order_item_by_dropoff ON hub.dispatch_order_item (kiosk_id, dropoff_uuid);

-- What each order has had sent so far, and whether it is still open (not cancelled, not closed by
-- a dispatch).
CREATE OR REPLACE VIEW hub.order_progress AS
    WITH sent AS (
        SELECT d.order_uuid, i.dropoff_uuid, i.kiosk_id, sum(i.quantity)::integer AS quantity
        FROM hub.dispatch d
        JOIN hub.dispatch_item i ON i.kiosk_id = d.kiosk_id AND i.dispatch_uuid = d.uuid
        WHERE d.order_uuid IS NOT NULL
        GROUP BY 1, 2, 3
    ), closed AS (
        SELECT DISTINCT d.order_uuid FROM hub.dispatch d WHERE d.closes_order AND d.order_uuid IS NOT NULL
    )
    SELECT o.order_uuid, o.request_id, o.kiosk_id, o.clinic_id, oi.dropoff_uuid, oi.quantity AS ordered,
           least(coalesce(s.quantity, 0), oi.quantity) AS sent,
           o.cancelled_at IS NULL AND c.order_uuid IS NULL AS open
    FROM hub.dispatch_order o
    JOIN hub.dispatch_order_item oi ON oi.order_uuid = o.order_uuid
    LEFT JOIN sent s ON s.order_uuid = o.order_uuid AND s.kiosk_id = oi.kiosk_id AND s.dropoff_uuid = oi.dropoff_uuid
    LEFT JOIN closed c ON c.order_uuid = o.order_uuid;

-- The county's stock a clinic can be served from: drop-offs whose final decision is accept (a
-- pharmacist's approval, or the kiosk's acceptance nobody has overturned), in their final category,
-- with what is neither dispatched nor held by an open order. No serial hash, batch or session.
CREATE OR REPLACE VIEW hub.allocatable_stock AS
    WITH reviewed AS (
        SELECT DISTINCT ON (r.kiosk_id, r.dropoff_uuid) r.kiosk_id, r.dropoff_uuid, r.action
        FROM hub.review_action r
        WHERE r.action <> 'reclassify' AND r.dropoff_uuid IS NOT NULL
        ORDER BY r.kiosk_id, r.dropoff_uuid, r.acted_at DESC
    ), reclassified AS (
        SELECT DISTINCT ON (r.kiosk_id, r.dropoff_uuid) r.kiosk_id, r.dropoff_uuid, r.category
        FROM hub.review_action r
        WHERE r.action = 'reclassify' AND r.dropoff_uuid IS NOT NULL
        ORDER BY r.kiosk_id, r.dropoff_uuid, r.acted_at DESC
    ), dispatched AS (
        SELECT i.kiosk_id, i.dropoff_uuid, sum(i.quantity)::integer AS quantity
        FROM hub.dispatch_item i GROUP BY 1, 2
    ), reserved AS (
        SELECT p.kiosk_id, p.dropoff_uuid, sum(p.ordered - p.sent)::integer AS quantity
        FROM hub.order_progress p WHERE p.open GROUP BY 1, 2
    )
    SELECT d.kiosk_id, d.uuid AS dropoff_uuid, d.sequence,
           coalesce(rc.category, c.category, 'unclassified') AS category,
           coalesce(d.gtin, d.product_id) AS product, d.expiry, d.quantity,
           coalesce(x.quantity, 0) AS dispatched, coalesce(rs.quantity, 0) AS reserved,
           greatest(d.quantity - coalesce(x.quantity, 0) - coalesce(rs.quantity, 0), 0) AS available
    FROM hub.dropoff d
    JOIN hub.kiosk k ON k.kiosk_id = d.kiosk_id AND k.mode = 'collection-point'
    LEFT JOIN reviewed rv ON rv.kiosk_id = d.kiosk_id AND rv.dropoff_uuid = d.uuid
    LEFT JOIN reclassified rc ON rc.kiosk_id = d.kiosk_id AND rc.dropoff_uuid = d.uuid
    LEFT JOIN hub.catalogue c ON c.gtin = d.gtin AND NOT c.deleted
    LEFT JOIN dispatched x ON x.kiosk_id = d.kiosk_id AND x.dropoff_uuid = d.uuid
    LEFT JOIN reserved rs ON rs.kiosk_id = d.kiosk_id AND rs.dropoff_uuid = d.uuid
    WHERE CASE rv.action WHEN 'approve' THEN true WHEN 'reject' THEN false WHEN 'dispose' THEN false
                         ELSE d.decision = 'accept' END;

-- Each request with what is allocated to it: packs of open orders count as allocated; of closed or
-- cancelled orders only what was sent, so the rest is allocated again by the next run.
CREATE OR REPLACE VIEW hub.request_status AS
    WITH per_request AS (
        SELECT p.request_id,
               sum(CASE WHEN p.open THEN p.ordered ELSE p.sent END)::integer AS allocated,
               sum(p.sent)::integer AS sent,
               count(DISTINCT p.order_uuid) FILTER (WHERE p.open)::integer AS open_orders
        FROM hub.order_progress p GROUP BY 1
    )
    SELECT r.request_id, r.clinic_id, r.category, r.quantity, r.needed_by, r.note, r.source, r.entered_at,
           r.cancelled_at, coalesce(a.allocated, 0) AS allocated, coalesce(a.sent, 0) AS sent,
           CASE WHEN r.cancelled_at IS NOT NULL THEN 0 ELSE greatest(r.quantity - coalesce(a.allocated, 0), 0)
           END AS outstanding,
           CASE WHEN r.cancelled_at IS NOT NULL THEN 'cancelled'
                WHEN coalesce(a.sent, 0) >= r.quantity THEN 'sent'
                WHEN coalesce(a.allocated, 0) >= r.quantity THEN 'allocated'
                WHEN coalesce(a.allocated, 0) > 0 THEN 'partly allocated'
                ELSE 'open' END AS state
    FROM hub.clinic_request r
    LEFT JOIN per_request a ON a.request_id = r.request_id;

-- The bureau enters requests: an array of {clinic_id, category, quantity, needed_by, note, line}.
-- All are stored or none; a bad one is refused with its line (the CSV's line, or 1 for one request).
-- With skip_present, a row whose clinic, category, quantity and needed-by
-- date match a request already at the hub and not cancelled is not added again but answered with that
-- request's id and already_present: the same CSV file imported twice leaves the county's requests as
-- they were. Each stored request answers one row only, so a file that asks twice for the same gets two.
CREATE OR REPLACE FUNCTION hub.import_requests(requests jsonb, src text, skip_present boolean)
    RETURNS TABLE (request_id bigint, already_present boolean)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, hub, pg_temp AS $$
#variable_conflict use_column
DECLARE
    r jsonb;
    at_line text;
    known_categories boolean := EXISTS (SELECT FROM hub.catalogue c WHERE NOT c.deleted);
    id bigint;
    answered bigint[] := '{}';
BEGIN
    IF jsonb_typeof(requests) IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'requests must be a JSON array' USING ERRCODE = '22023';
    END IF;
    -- Two imports of one file at once: the second waits and then finds the first's requests.
    LOCK TABLE hub.clinic_request IN SHARE ROW EXCLUSIVE MODE;
    FOR r IN SELECT value FROM jsonb_array_elements(requests) LOOP
        at_line := 'line ' || coalesce(r->>'line', '1');
        IF NOT EXISTS (SELECT FROM hub.clinic c WHERE c.clinic_id = r->>'clinic_id' AND c.kind <> 'other'
                       AND NOT c.deleted) THEN
            RAISE EXCEPTION '%, column clinic_id: "%" is not a clinic at this hub (medkioskctl hub clinics list)',
                at_line, r->>'clinic_id' USING ERRCODE = '22023';
        END IF;
        IF known_categories AND NOT EXISTS (SELECT FROM hub.catalogue c WHERE c.category = r->>'category'
                                            AND NOT c.deleted) THEN
            RAISE EXCEPTION '%, column category: "%" is no category of the catalogue', at_line, r->>'category'
                USING ERRCODE = '22023';
        END IF;
        IF (r->>'needed_by')::date < current_date THEN
            RAISE EXCEPTION '%, column needed_by: % is in the past: give the day the clinic needs the packs, '
                'from % on', at_line, r->>'needed_by', current_date USING ERRCODE = '22023';
        END IF;
        -- Two years (kMaxNeededByYears in kiosk/core): a later date is a mistyped year, not a plan.
        IF (r->>'needed_by')::date > (current_date + interval '2 years')::date THEN
            RAISE EXCEPTION '%, column needed_by: % is more than two years ahead: check the year; the latest '
                'is %', at_line, r->>'needed_by', (current_date + interval '2 years')::date USING ERRCODE = '22023';
        END IF;
        id := NULL;
        IF skip_present THEN
            SELECT q.request_id INTO id FROM hub.clinic_request q
            WHERE q.clinic_id = r->>'clinic_id' AND q.category = r->>'category'
              AND q.quantity = (r->>'quantity')::integer AND q.needed_by = (r->>'needed_by')::date
              AND q.cancelled_at IS NULL AND q.request_id <> ALL (answered)
            ORDER BY q.request_id LIMIT 1;
        END IF;
        IF id IS NOT NULL THEN
            answered := answered || id;
            request_id := id;
            already_present := true;
            RETURN NEXT;
            CONTINUE;
        END IF;
        BEGIN
            INSERT INTO hub.clinic_request (clinic_id, category, quantity, needed_by, note, source)
            VALUES (r->>'clinic_id', r->>'category', (r->>'quantity')::integer, (r->>'needed_by')::date,
                    nullif(r->>'note', ''), src)
            RETURNING request_id INTO id;
        EXCEPTION WHEN OTHERS THEN
            RAISE EXCEPTION '%: %', at_line, SQLERRM USING ERRCODE = '22023';
        END;
        answered := answered || id;
        request_id := id;
        already_present := false;
        RETURN NEXT;
    END LOOP;
END $$;

-- Stores every request as new (medkioskctl hub request add): the ids, in order.
CREATE OR REPLACE FUNCTION hub.add_requests(requests jsonb, src text) RETURNS SETOF bigint
    LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, hub, pg_temp AS $$
    SELECT i.request_id FROM hub.import_requests(requests, src, false) i;
$$;

CREATE OR REPLACE FUNCTION hub.cancel_request(id bigint) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, hub, pg_temp AS $$
BEGIN
    LOCK TABLE hub.allocation_lock IN EXCLUSIVE MODE;
    UPDATE hub.clinic_request SET cancelled_at = now() WHERE request_id = id AND cancelled_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no open request %', id USING ERRCODE = '22023';
    END IF;
    -- Its open orders go too: their packs return to the stock and the collection points see it.
    UPDATE hub.dispatch_order SET cancelled_at = now() WHERE request_id = id AND cancelled_at IS NULL;
END $$;

CREATE OR REPLACE FUNCTION hub.cancel_order(id uuid) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, hub, pg_temp AS $$
BEGIN
    LOCK TABLE hub.allocation_lock IN EXCLUSIVE MODE;
    UPDATE hub.dispatch_order SET cancelled_at = now() WHERE order_uuid = id AND cancelled_at IS NULL;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no open order %', id USING ERRCODE = '22023';
    END IF;
END $$;

-- A plan's line. (The plan is unpacked into an array of these once; no temporary table: a SECURITY
-- DEFINER function must not use a relation the caller's session could have made.)
DO $types$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                   WHERE n.nspname = 'hub' AND t.typname = 'plan_line') THEN
        CREATE TYPE hub.plan_line AS (request_id bigint, kiosk_id text, dropoff_uuid uuid, quantity integer);
    END IF;
END
$types$;

-- Publishes a plan: an array of {request_id, kiosk_id, dropoff_uuid, quantity}. Under one lock every
-- line is checked against the stock as it is now — category, expiry margin, what is still available,
-- what each request still needs — and the orders are written, or nothing is and the reason is raised.
-- Two allocations run at once: the second publish sees the first's orders and is refused.
CREATE OR REPLACE FUNCTION hub.publish_allocation(plan jsonb, margin_days integer, as_of date)
    RETURNS TABLE (order_uuid uuid, request_id bigint, kiosk_id text, clinic_id text, packs integer)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, hub, pg_temp AS $$
#variable_conflict use_column
DECLARE
    problem text;
    run bigint;
    lines hub.plan_line[];
    effective date := greatest(as_of, current_date);
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'publish an allocation in a READ COMMITTED transaction, so it sees the stock after the lock'
            USING ERRCODE = '25001';
    END IF;
    IF jsonb_typeof(plan) IS DISTINCT FROM 'array' OR jsonb_array_length(plan) = 0 THEN
        RAISE EXCEPTION 'the plan is empty: nothing to publish' USING ERRCODE = '22023';
    END IF;
    IF margin_days IS NULL OR margin_days < 0 THEN
        RAISE EXCEPTION 'the expiry margin must be 0 days or more' USING ERRCODE = '22023';
    END IF;
    LOCK TABLE hub.allocation_lock IN EXCLUSIVE MODE;
    lines := ARRAY(SELECT ROW((e->>'request_id')::bigint, e->>'kiosk_id', (e->>'dropoff_uuid')::uuid,
                              (e->>'quantity')::integer)::hub.plan_line
                   FROM jsonb_array_elements(plan) AS e);

    SELECT format('plan line for request %s, pack %s at %s: quantity %s', p.request_id, p.dropoff_uuid,
                  p.kiosk_id, coalesce(p.quantity::text, 'missing'))
    INTO problem FROM unnest(lines) p
    WHERE p.quantity IS NULL OR p.quantity <= 0 OR p.request_id IS NULL OR p.kiosk_id IS NULL
       OR p.dropoff_uuid IS NULL LIMIT 1;
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION '% is not a valid plan line', problem USING ERRCODE = '22023';
    END IF;

    -- Each request still needs what the plan gives it.
    SELECT format('request %s needs %s more pack(s) but the plan gives it %s%s', p.request_id,
                  coalesce(s.outstanding, 0), sum(p.quantity),
                  CASE WHEN s.request_id IS NULL THEN ' (no such request)' ELSE '' END)
    INTO problem
    FROM unnest(lines) p LEFT JOIN hub.request_status s ON s.request_id = p.request_id
    GROUP BY p.request_id, s.request_id, s.outstanding
    HAVING s.request_id IS NULL OR sum(p.quantity) > coalesce(s.outstanding, 0) LIMIT 1;
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION '%: the requests changed since the plan was made; run hub allocate again', problem
            USING ERRCODE = '40001';
    END IF;

    -- Each pack is in stock, in the request's category, usable long enough, and not given twice.
    WITH per_pack AS (
        SELECT p.kiosk_id, p.dropoff_uuid, sum(p.quantity)::integer AS quantity FROM unnest(lines) p
        GROUP BY 1, 2
    )
    SELECT format('pack %s at %s: %s planned, %s available', x.dropoff_uuid, x.kiosk_id, x.quantity,
                  coalesce(s.available, 0))
    INTO problem
    FROM per_pack x LEFT JOIN hub.allocatable_stock s ON s.kiosk_id = x.kiosk_id AND s.dropoff_uuid = x.dropoff_uuid
    WHERE s.dropoff_uuid IS NULL OR x.quantity > s.available LIMIT 1;
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION '%: another allocation or a dispatch took it since the plan was made; run hub allocate again',
            problem USING ERRCODE = '40001';
    END IF;
    SELECT format('pack %s at %s (%s, expires %s) cannot serve request %s (%s, needed by %s, margin %s days)',
                  p.dropoff_uuid, p.kiosk_id, s.category, coalesce(s.expiry::text, 'never'), r.request_id,
                  r.category, r.needed_by, margin_days)
    INTO problem
    FROM unnest(lines) p
    JOIN hub.clinic_request r ON r.request_id = p.request_id
    JOIN hub.allocatable_stock s ON s.kiosk_id = p.kiosk_id AND s.dropoff_uuid = p.dropoff_uuid
    WHERE s.category <> r.category
       OR (s.expiry IS NOT NULL AND s.expiry < greatest(r.needed_by, effective) + margin_days)
    LIMIT 1;
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION '%', problem USING ERRCODE = '22023';
    END IF;

    INSERT INTO hub.allocation_run (as_of, margin_days) VALUES (effective, margin_days) RETURNING run_id INTO run;
    -- One statement for the orders and their packs (the items' foreign keys are checked at its end).
    WITH orders AS MATERIALIZED (
        SELECT gen_random_uuid() AS order_uuid, g.request_id, g.kiosk_id, g.clinic_id
        FROM (SELECT DISTINCT p.request_id, p.kiosk_id, r.clinic_id
              FROM unnest(lines) p JOIN hub.clinic_request r ON r.request_id = p.request_id) g
    ), written AS (
        INSERT INTO hub.dispatch_order (order_uuid, run_id, request_id, kiosk_id, clinic_id)
        SELECT o.order_uuid, run, o.request_id, o.kiosk_id, o.clinic_id FROM orders o
    )
    INSERT INTO hub.dispatch_order_item (order_uuid, kiosk_id, dropoff_uuid, quantity)
    SELECT o.order_uuid, p.kiosk_id, p.dropoff_uuid, sum(p.quantity)::integer
    FROM unnest(lines) p JOIN orders o ON o.request_id = p.request_id AND o.kiosk_id = p.kiosk_id
    GROUP BY 1, 2, 3;
    RETURN QUERY
        SELECT o.order_uuid, o.request_id, o.kiosk_id, o.clinic_id, sum(i.quantity)::integer
        FROM hub.dispatch_order o JOIN hub.dispatch_order_item i ON i.order_uuid = o.order_uuid
        WHERE o.run_id = run GROUP BY 1, 2, 3, 4 ORDER BY 3, 4, 2;
END $$;

-- What a collection point reads: its own orders, as a change feed (a cancelled order comes as
-- deleted). Each body carries the clinic, the request's category and date, and the packs.
CREATE OR REPLACE VIEW hub.order_feed WITH (security_barrier) AS
    SELECT o.order_uuid::text AS key,
           jsonb_build_object(
               'order_uuid', o.order_uuid, 'clinic_id', o.clinic_id, 'request_id', o.request_id,
               'category', r.category, 'needed_by', r.needed_by, 'created_at', o.created_at,
               'items', (SELECT coalesce(jsonb_agg(jsonb_build_object('dropoff_uuid', i.dropoff_uuid,
                                                                      'quantity', i.quantity)
                                                   ORDER BY i.dropoff_uuid), '[]')
                         FROM hub.dispatch_order_item i WHERE i.order_uuid = o.order_uuid)) AS body,
           o.change_seq, o.deleted
    FROM hub.dispatch_order o
    JOIN hub.clinic_request r ON r.request_id = o.request_id
    WHERE o.kiosk_id = hub.session_kiosk();

DO $rls$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['allocation_lock', 'clinic_request', 'allocation_run', 'dispatch_order',
                             'dispatch_order_item'] LOOP
        EXECUTE format('REVOKE ALL ON hub.%I FROM PUBLIC', t);
    END LOOP;
END
$rls$;
REVOKE ALL ON hub.order_progress, hub.allocatable_stock, hub.request_status, hub.order_feed FROM PUBLIC;
REVOKE ALL ON FUNCTION hub.add_requests(jsonb, text), hub.import_requests(jsonb, text, boolean),
    hub.cancel_request(bigint), hub.cancel_order(uuid),
    hub.publish_allocation(jsonb, integer, date) FROM PUBLIC;
GRANT SELECT ON hub.order_feed TO medkiosk_kiosk;
GRANT SELECT ON hub.allocatable_stock, hub.request_status, hub.order_progress, hub.collection_clinic_distance,
    hub.clinic, hub.dispatch_order, hub.dispatch_order_item, hub.travel_distance TO medkiosk_bureau;
GRANT EXECUTE ON FUNCTION hub.add_requests(jsonb, text), hub.import_requests(jsonb, text, boolean),
    hub.cancel_request(bigint), hub.cancel_order(uuid),
    hub.publish_allocation(jsonb, integer, date) TO medkiosk_bureau;
