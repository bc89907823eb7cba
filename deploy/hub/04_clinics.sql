-- medkiosk county hub, part 4: the county's clinics as reference data, where collection points and
-- clinics are (for "nearest first"), clinic-mode devices and what they write (arrivals, packs given
-- out, disposals), and the manifest lines of a dispatch. Idempotent, like parts 1-3.
--
-- A clinic-mode device is a row of hub.kiosk with mode 'clinic' and its clinic_id; it logs in as its
-- own role clinic_<id>, a member of medkiosk_clinic (never of medkiosk_kiosk). That group holds no
-- table privilege: it may call hub.clinic_ingest, hub.heartbeat and hub.register_public_key and read
-- the catalogue and clinic feeds, nothing of the collection points' drop-offs.
--
-- Every SECURITY DEFINER function pins search_path = pg_catalog, hub, pg_temp (pg_temp last, so a
-- caller's temporary table can never shadow a name) and names hub objects with their schema.

DO $roles$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'medkiosk_clinic') THEN
        CREATE ROLE medkiosk_clinic NOLOGIN;
    END IF;
    -- The bureau's allocation login: requests, allocation, orders; no drop-off row beyond the stock.
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'medkiosk_bureau') THEN
        CREATE ROLE medkiosk_bureau NOLOGIN;
    END IF;
END
$roles$;
GRANT USAGE ON SCHEMA hub TO medkiosk_clinic, medkiosk_bureau;

-- The county's clinics. kind 'other' is kept for the one row 'other': dispatches recorded as free text
-- before clinics were reference data, whose name matched no clinic.
CREATE TABLE IF NOT EXISTS hub.clinic (
    clinic_id   text PRIMARY KEY CHECK (clinic_id ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
    name_zh     text NOT NULL CHECK (length(name_zh) BETWEEN 1 AND 200),
    name_en     text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 200),
    kind        text NOT NULL CHECK (kind IN ('township-health-centre', 'village-clinic', 'other')),
    township_zh text NOT NULL CHECK (length(township_zh) BETWEEN 1 AND 200),
    township_en text NOT NULL CHECK (length(township_en) BETWEEN 1 AND 200),
    latitude    double precision CHECK (latitude BETWEEN -90 AND 90),
    longitude   double precision CHECK (longitude BETWEEN -180 AND 180),
    deleted     boolean NOT NULL DEFAULT false,
    change_seq  bigint NOT NULL DEFAULT 0,
    CHECK ((latitude IS NULL) = (longitude IS NULL))
);
INSERT INTO hub.clinic (clinic_id, name_zh, name_en, kind, township_zh, township_en)
    VALUES ('other', '其他（手写名称）', 'Other (name typed by hand)', 'other', '未知', 'unknown')
    ON CONFLICT (clinic_id) DO NOTHING;
DROP TRIGGER IF EXISTS stamp_change ON hub.clinic;
CREATE TRIGGER stamp_change BEFORE INSERT OR UPDATE ON hub.clinic
    FOR EACH ROW EXECUTE FUNCTION hub.stamp_change();

-- Devices: a collection point (the kiosks of parts 1-3) or a clinic-mode device of one clinic. A
-- collection point's location orders the allocation "nearest first".
ALTER TABLE hub.kiosk ADD COLUMN IF NOT EXISTS mode text NOT NULL DEFAULT 'collection-point'
    CHECK (mode IN ('collection-point', 'clinic'));
ALTER TABLE hub.kiosk ADD COLUMN IF NOT EXISTS clinic_id text REFERENCES hub.clinic (clinic_id);
ALTER TABLE hub.kiosk ADD COLUMN IF NOT EXISTS latitude double precision CHECK (latitude BETWEEN -90 AND 90);
ALTER TABLE hub.kiosk ADD COLUMN IF NOT EXISTS longitude double precision CHECK (longitude BETWEEN -180 AND 180);
DO $kiosk_mode$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_constraint WHERE conname = 'kiosk_clinic_matches_mode') THEN
        ALTER TABLE hub.kiosk ADD CONSTRAINT kiosk_clinic_matches_mode
            CHECK ((mode = 'clinic') = (clinic_id IS NOT NULL));
    END IF;
END
$kiosk_mode$;

-- Road distances the bureau knows, in km; they override the straight line between two locations.
CREATE TABLE IF NOT EXISTS hub.travel_distance (
    kiosk_id  text NOT NULL REFERENCES hub.kiosk (kiosk_id),
    clinic_id text NOT NULL REFERENCES hub.clinic (clinic_id),
    km        numeric NOT NULL CHECK (km >= 0 AND km < 10000),
    PRIMARY KEY (kiosk_id, clinic_id)
);

-- Every collection point to every clinic: the bureau's road distance, else the great-circle distance
-- between their locations, else NULL (unknown: such a pair comes last in "nearest first").
CREATE OR REPLACE VIEW hub.collection_clinic_distance AS
    SELECT k.kiosk_id, c.clinic_id,
           coalesce(t.km::double precision,
                    CASE WHEN k.latitude IS NOT NULL AND c.latitude IS NOT NULL THEN
                        2 * 6371.0 * asin(least(1.0, sqrt(
                            power(sin(radians(c.latitude - k.latitude) / 2), 2) +
                            cos(radians(k.latitude)) * cos(radians(c.latitude)) *
                            power(sin(radians(c.longitude - k.longitude) / 2), 2))))
                    END) AS km,
           CASE WHEN t.km IS NOT NULL THEN 'road' WHEN k.latitude IS NOT NULL AND c.latitude IS NOT NULL
                THEN 'straight-line' END AS basis
    FROM hub.kiosk k
    CROSS JOIN hub.clinic c
    LEFT JOIN hub.travel_distance t ON t.kiosk_id = k.kiosk_id AND t.clinic_id = c.clinic_id
    WHERE k.mode = 'collection-point' AND c.kind <> 'other' AND NOT c.deleted;

-- Dispatches name their clinic by id (kiosks since issue 17) or, from older kiosks and before
-- clinics were reference data, by free text. clinic_id is the id, matched from the text when the
-- kiosk sent none, or 'other'. order_uuid links a dispatch to the bureau's order it fulfils;
-- closes_order says the collection point sends no more for that order.
ALTER TABLE hub.dispatch ADD COLUMN IF NOT EXISTS clinic_id text REFERENCES hub.clinic (clinic_id);
ALTER TABLE hub.dispatch ADD COLUMN IF NOT EXISTS order_uuid uuid;
ALTER TABLE hub.dispatch ADD COLUMN IF NOT EXISTS closes_order boolean NOT NULL DEFAULT false;
CREATE INDEX IF NOT EXISTS dispatch_by_order ON hub.dispatch (order_uuid) WHERE order_uuid IS NOT NULL;
CREATE INDEX IF NOT EXISTS dispatch_by_clinic ON hub.dispatch (clinic_id);

-- Names compared without case, spaces or punctuation, so "Shitang Village Clinic" matches
-- "shitang village-clinic".
CREATE OR REPLACE FUNCTION hub.clinic_name_key(name text) RETURNS text
    LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, hub, pg_temp AS $$
    SELECT lower(regexp_replace(coalesce(name, ''), '[[:space:][:punct:]·，。（）、－]+', '', 'g'))
$$;

-- The clinic a free-text name means: the one clinic whose id or Chinese or English name has the same
-- key; 'other' when none or several do.
CREATE OR REPLACE FUNCTION hub.match_clinic(name text) RETURNS text
    LANGUAGE sql STABLE SET search_path = pg_catalog, hub, pg_temp AS $$
    SELECT CASE WHEN count(*) = 1 THEN min(c.clinic_id) ELSE 'other' END
    FROM hub.clinic c
    WHERE c.kind <> 'other' AND NOT c.deleted AND hub.clinic_name_key(name) <> ''
      AND hub.clinic_name_key(name) IN (hub.clinic_name_key(c.clinic_id), hub.clinic_name_key(c.name_zh),
                                        hub.clinic_name_key(c.name_en))
$$;

-- On every dispatch row: the clinic id the kiosk sent (when the hub knows it), else the match of the
-- free text; the order link only when the order was made for this collection point.
CREATE OR REPLACE FUNCTION hub.dispatch_resolve_clinic() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, hub, pg_temp AS $$
DECLARE sent text := nullif(NEW.payload->>'clinic_id', '');
BEGIN
    IF NEW.clinic_id IS NULL THEN
        IF sent IS NOT NULL AND EXISTS (SELECT FROM hub.clinic c WHERE c.clinic_id = sent) THEN
            NEW.clinic_id := sent;
        ELSE
            NEW.clinic_id := hub.match_clinic(NEW.clinic);
        END IF;
    END IF;
    IF NEW.order_uuid IS NULL AND NEW.payload->>'order_uuid' ~ '^[0-9a-fA-F-]{36}$' THEN
        NEW.order_uuid := (NEW.payload->>'order_uuid')::uuid;
        NEW.closes_order := coalesce((NEW.payload->>'closes_order')::boolean, false);
    END IF;
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS resolve_clinic ON hub.dispatch;
CREATE TRIGGER resolve_clinic BEFORE INSERT ON hub.dispatch
    FOR EACH ROW EXECUTE FUNCTION hub.dispatch_resolve_clinic();

-- The manifest of a dispatch: its packs grouped into lines (product, expiry, category) as the
-- collection point printed them and put them in the manifest QR. A clinic confirms and gives out by
-- line. Filled from the dispatch's payload "lines"; a dispatch from an older kiosk has none.
CREATE TABLE IF NOT EXISTS hub.dispatch_line (
    kiosk_id      text NOT NULL,
    dispatch_uuid uuid NOT NULL,
    line_no       integer NOT NULL CHECK (line_no > 0),
    product       text NOT NULL,
    expiry        date,
    category      text NOT NULL,
    quantity      integer NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (kiosk_id, dispatch_uuid, line_no)
);
CREATE OR REPLACE FUNCTION hub.dispatch_fill_lines() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, hub, pg_temp AS $$
BEGIN
    IF jsonb_typeof(NEW.payload->'lines') = 'array' THEN
        INSERT INTO hub.dispatch_line (kiosk_id, dispatch_uuid, line_no, product, expiry, category, quantity)
        SELECT NEW.kiosk_id, NEW.uuid, (l->>'line')::integer, l->>'product', nullif(l->>'expiry', '')::date,
               coalesce(nullif(l->>'category', ''), 'unclassified'), (l->>'quantity')::integer
        FROM jsonb_array_elements(NEW.payload->'lines') AS l;
    END IF;
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS fill_lines ON hub.dispatch;
CREATE TRIGGER fill_lines AFTER INSERT ON hub.dispatch
    FOR EACH ROW EXECUTE FUNCTION hub.dispatch_fill_lines();

-- Which manifest line each dispatched drop-off went into (the payload's items carry "line").
CREATE OR REPLACE VIEW hub.dispatch_item_line AS
    SELECT d.kiosk_id, d.uuid AS dispatch_uuid, (i->>'dropoff_uuid')::uuid AS dropoff_uuid,
           (i->>'line')::integer AS line_no, (i->>'quantity')::integer AS quantity, i.ord
    FROM hub.dispatch d, jsonb_array_elements(d.payload->'items') WITH ORDINALITY AS i(i, ord)
    WHERE i.i ? 'line';

-- Free-text dispatches recorded before this part existed: matched to a clinic or kept as 'other'.
-- hub.rematch_other_dispatches() runs again after every clinic import, so a clinic added later
-- collects the dispatches typed with its name.
CREATE OR REPLACE FUNCTION hub.rematch_other_dispatches() RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, hub, pg_temp AS $$
DECLARE changed bigint;
BEGIN
    UPDATE hub.dispatch d SET clinic_id = m.clinic_id
    FROM (SELECT x.kiosk_id, x.uuid, hub.match_clinic(x.clinic) AS clinic_id
          FROM hub.dispatch x WHERE x.clinic_id IS NULL OR x.clinic_id = 'other') m
    WHERE d.kiosk_id = m.kiosk_id AND d.uuid = m.uuid AND d.clinic_id IS DISTINCT FROM m.clinic_id;
    GET DIAGNOSTICS changed = ROW_COUNT;
    RETURN changed;
END $$;
DO $rematch$ BEGIN PERFORM hub.rematch_other_dispatches(); END $rematch$;

-- --- What clinic-mode devices write. Keys lead with the device's kiosk_id, as every device table.

-- A dispatch received at a clinic: the manifest's lines as counted (received, damaged) and packs
-- that were not on it (extra lines). One arrival per dispatch per clinic: a clinic device may confirm a
-- dispatch before it has synced from its collection point, when the hub cannot yet tell whether it
-- was sent to that clinic, so another clinic's claim must never lock the addressee out. Which arrival
-- counts is decided against the dispatch once the hub holds it (hub.arrival_counted, part 6).
CREATE TABLE IF NOT EXISTS hub.arrival (
    kiosk_id          text NOT NULL,
    uuid              uuid NOT NULL,
    clinic_id         text NOT NULL REFERENCES hub.clinic (clinic_id),
    dispatch_kiosk_id text NOT NULL,
    dispatch_uuid     uuid NOT NULL,
    received_at       timestamptz NOT NULL,
    payload           jsonb NOT NULL,
    PRIMARY KEY (kiosk_id, uuid)
);
-- The order the hub took arrivals in, drawn from a sequence when the row is inserted: hub.arrival_counted
-- picks the first of a dispatch to "other" by it. ingest_record.received_at is now() -- the start of the
-- caller's transaction -- so a device that began early and inserted late would take the count over.
-- Hubs from before this column number the arrivals they hold in the order that used to decide, so no
-- count changes on upgrade; then the sequence takes over.
DO $taken$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_attribute
                   WHERE attrelid = 'hub.arrival'::regclass AND attname = 'taken_order' AND NOT attisdropped) THEN
        ALTER TABLE hub.arrival ADD COLUMN taken_order bigint;
        UPDATE hub.arrival a SET taken_order = o.n
        FROM (SELECT f.kiosk_id, f.uuid,
                     row_number() OVER (ORDER BY r.received_at, f.kiosk_id, f.uuid) AS n
              FROM hub.arrival f
              LEFT JOIN hub.ingest_record r ON r.kiosk_id = f.kiosk_id AND r.record_id = f.uuid::text) o
        WHERE o.kiosk_id = a.kiosk_id AND o.uuid = a.uuid;
        ALTER TABLE hub.arrival ALTER COLUMN taken_order SET NOT NULL;
        ALTER TABLE hub.arrival ALTER COLUMN taken_order ADD GENERATED ALWAYS AS IDENTITY;
        PERFORM pg_catalog.setval(pg_catalog.pg_get_serial_sequence('hub.arrival', 'taken_order'),
                                  (SELECT coalesce(max(taken_order), 0) + 1 FROM hub.arrival), false);
    END IF;
END $taken$;
-- Hubs from before this rule hold the unique index per dispatch alone.
DROP INDEX IF EXISTS hub.arrival_once_per_dispatch;
CREATE UNIQUE INDEX IF NOT EXISTS arrival_once_per_dispatch_clinic
    ON hub.arrival (dispatch_kiosk_id, dispatch_uuid, clinic_id);

-- expected: packs on the manifest line (0 for an extra line); received: counted; damaged: of those
-- received, unusable. Usable stock from a line is received - damaged.
CREATE TABLE IF NOT EXISTS hub.arrival_line (
    kiosk_id     text NOT NULL,
    arrival_uuid uuid NOT NULL,
    line_no      integer NOT NULL CHECK (line_no > 0),
    product      text NOT NULL,
    expiry       date,
    category     text NOT NULL,
    expected     integer NOT NULL CHECK (expected >= 0),
    received     integer NOT NULL CHECK (received >= 0),
    damaged      integer NOT NULL CHECK (damaged >= 0 AND damaged <= received),
    extra        boolean NOT NULL,
    PRIMARY KEY (kiosk_id, arrival_uuid, line_no)
);

-- Packs handed out free, by line and day: anonymous, no patient data.
CREATE TABLE IF NOT EXISTS hub.given_out (
    kiosk_id     text NOT NULL,
    uuid         uuid NOT NULL,
    clinic_id    text NOT NULL REFERENCES hub.clinic (clinic_id),
    arrival_uuid uuid NOT NULL,
    line_no      integer NOT NULL,
    quantity     integer NOT NULL CHECK (quantity > 0),
    given_on     date NOT NULL,
    payload      jsonb NOT NULL,
    PRIMARY KEY (kiosk_id, uuid)
);
CREATE INDEX IF NOT EXISTS given_out_by_line ON hub.given_out (kiosk_id, arrival_uuid, line_no);

-- Packs a clinic sent to disposal: expired unused, or damaged after arrival.
CREATE TABLE IF NOT EXISTS hub.clinic_disposal (
    kiosk_id     text NOT NULL,
    uuid         uuid NOT NULL,
    clinic_id    text NOT NULL REFERENCES hub.clinic (clinic_id),
    arrival_uuid uuid NOT NULL,
    line_no      integer NOT NULL,
    quantity     integer NOT NULL CHECK (quantity > 0),
    reason       text NOT NULL CHECK (reason IN ('expired', 'damaged')),
    disposed_on  date NOT NULL,
    payload      jsonb NOT NULL,
    PRIMARY KEY (kiosk_id, uuid)
);
CREATE INDEX IF NOT EXISTS clinic_disposal_by_line ON hub.clinic_disposal (kiosk_id, arrival_uuid, line_no);

DO $rls$
DECLARE t text;
BEGIN
    -- Collection-point tables: own rows for kiosks (part 1); this part's dispatch_line likewise.
    EXECUTE 'REVOKE ALL ON hub.dispatch_line FROM PUBLIC';
    EXECUTE 'ALTER TABLE hub.dispatch_line ENABLE ROW LEVEL SECURITY';
    EXECUTE 'DROP POLICY IF EXISTS own_rows ON hub.dispatch_line';
    EXECUTE 'CREATE POLICY own_rows ON hub.dispatch_line TO medkiosk_kiosk '
            'USING (kiosk_id = hub.session_kiosk()) WITH CHECK (kiosk_id = hub.session_kiosk())';
    FOREACH t IN ARRAY ARRAY['arrival', 'arrival_line', 'given_out', 'clinic_disposal'] LOOP
        EXECUTE format('REVOKE ALL ON hub.%I FROM PUBLIC', t);
        EXECUTE format('ALTER TABLE hub.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('DROP POLICY IF EXISTS own_rows ON hub.%I', t);
        EXECUTE format('CREATE POLICY own_rows ON hub.%I TO medkiosk_clinic '
                       'USING (kiosk_id = hub.session_kiosk()) WITH CHECK (kiosk_id = hub.session_kiosk())', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['clinic', 'travel_distance'] LOOP
        EXECUTE format('REVOKE ALL ON hub.%I FROM PUBLIC', t);
    END LOOP;
END
$rls$;

-- The device behind this login when it is a clinic-mode device: (device id, its clinic); no row else.
CREATE OR REPLACE FUNCTION hub.session_clinic_device(OUT device_id text, OUT clinic_id text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, hub, pg_temp AS $$
    SELECT k.kiosk_id, k.clinic_id FROM hub.kiosk k WHERE k.role_name = session_user AND k.mode = 'clinic'
$$;

-- One clinic record for device `k` of clinic `c`; raises with the reason when it is not acceptable.
CREATE OR REPLACE FUNCTION hub.clinic_record(k text, c text, ent text, rec_id text, p jsonb) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, hub, pg_temp AS $$
DECLARE
    usable integer;
    used integer;
    dispatch_clinic text;
    lines_seen integer;
BEGIN
    IF p->>'uuid' IS DISTINCT FROM rec_id THEN
        RAISE EXCEPTION '% id % does not match its payload uuid %', ent, rec_id, p->>'uuid';
    END IF;
    IF p->>'clinic_id' IS DISTINCT FROM c THEN
        RAISE EXCEPTION 'payload names clinic %, but device % belongs to clinic %', p->>'clinic_id', k, c;
    END IF;
    -- The same date window as the collection points' door (hub.in_window, part 2): 'infinity' or a year
    -- 0001 is a broken clock or a forged record, and would skew every week the reports count.
    IF ent = 'arrival' AND NOT hub.in_window(p->>'received_at') THEN
        RAISE EXCEPTION '%', hub.date_problem(ent, 'received_at', p);
    ELSIF ent = 'given_out' AND NOT hub.in_window(p->>'given_on') THEN
        RAISE EXCEPTION '%', hub.date_problem(ent, 'given_on', p);
    ELSIF ent = 'clinic_disposal' AND NOT hub.in_window(p->>'disposed_on') THEN
        RAISE EXCEPTION '%', hub.date_problem(ent, 'disposed_on', p);
    END IF;
    IF ent = 'arrival' THEN
        SELECT d.clinic_id INTO dispatch_clinic FROM hub.dispatch d
            WHERE d.kiosk_id = p->>'dispatch_kiosk_id' AND d.uuid = (p->>'dispatch_uuid')::uuid;
        IF dispatch_clinic IS NOT NULL AND dispatch_clinic NOT IN (c, 'other') THEN
            RAISE EXCEPTION 'dispatch % was sent to clinic %, not to %', p->>'dispatch_uuid', dispatch_clinic, c;
        END IF;
        IF jsonb_typeof(p->'lines') IS DISTINCT FROM 'array' OR jsonb_array_length(p->'lines') = 0 THEN
            RAISE EXCEPTION 'an arrival needs its lines';
        END IF;
        INSERT INTO hub.arrival (kiosk_id, uuid, clinic_id, dispatch_kiosk_id, dispatch_uuid, received_at, payload)
        VALUES (k, rec_id::uuid, c, p->>'dispatch_kiosk_id', (p->>'dispatch_uuid')::uuid,
                (p->>'received_at')::timestamptz, p);
        INSERT INTO hub.arrival_line (kiosk_id, arrival_uuid, line_no, product, expiry, category, expected,
                received, damaged, extra)
        SELECT k, rec_id::uuid, (l->>'line')::integer, l->>'product', nullif(l->>'expiry', '')::date,
               coalesce(nullif(l->>'category', ''), 'unclassified'), (l->>'expected')::integer,
               (l->>'received')::integer, coalesce((l->>'damaged')::integer, 0),
               coalesce((l->>'extra')::boolean, false)
        FROM jsonb_array_elements(p->'lines') AS l;
        GET DIAGNOSTICS lines_seen = ROW_COUNT;
    ELSIF ent IN ('given_out', 'clinic_disposal') THEN
        -- Never more out of a line than arrived usable: the line row is locked while counting.
        SELECT l.received - l.damaged INTO usable FROM hub.arrival_line l
            WHERE l.kiosk_id = k AND l.arrival_uuid = (p->>'arrival_uuid')::uuid AND l.line_no = (p->>'line')::integer
            FOR UPDATE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'line % of arrival % is not at the hub (was the arrival refused?)', p->>'line',
                p->>'arrival_uuid';
        END IF;
        SELECT coalesce(sum(g.quantity), 0) INTO used FROM hub.given_out g
            WHERE g.kiosk_id = k AND g.arrival_uuid = (p->>'arrival_uuid')::uuid AND g.line_no = (p->>'line')::integer;
        SELECT used + coalesce(sum(x.quantity), 0) INTO used FROM hub.clinic_disposal x
            WHERE x.kiosk_id = k AND x.arrival_uuid = (p->>'arrival_uuid')::uuid AND x.line_no = (p->>'line')::integer;
        IF used + (p->>'quantity')::integer > usable THEN
            RAISE EXCEPTION 'line % of arrival % holds % usable pack(s), % already out; % more is too many',
                p->>'line', p->>'arrival_uuid', usable, used, p->>'quantity';
        END IF;
        IF ent = 'given_out' THEN
            INSERT INTO hub.given_out (kiosk_id, uuid, clinic_id, arrival_uuid, line_no, quantity, given_on, payload)
            VALUES (k, rec_id::uuid, c, (p->>'arrival_uuid')::uuid, (p->>'line')::integer,
                    (p->>'quantity')::integer, (p->>'given_on')::date, p);
        ELSE
            INSERT INTO hub.clinic_disposal (kiosk_id, uuid, clinic_id, arrival_uuid, line_no, quantity, reason,
                    disposed_on, payload)
            VALUES (k, rec_id::uuid, c, (p->>'arrival_uuid')::uuid, (p->>'line')::integer,
                    (p->>'quantity')::integer, p->>'reason', (p->>'disposed_on')::date, p);
        END IF;
    ELSE
        RAISE EXCEPTION 'a clinic device sends arrival, given_out or clinic_disposal, not "%"', ent;
    END IF;
END $$;

-- The clinic device's records for device `k`: the same answers and the same idempotency ledger
-- (hub.ingest_record) as the collection points' hub.ingest_for, one subtransaction per record.
CREATE OR REPLACE FUNCTION hub.clinic_ingest_for(k text, batch jsonb, src text)
    RETURNS TABLE (rec_id text, outcome text, detail text)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, hub, pg_temp AS $$
DECLARE
    c        text;
    item     jsonb;
    ent      text;
    ptext    text;
    p        jsonb;
    h        bytea;
    existing bytea;
    violated text;
    violation text;
    confirmed_by text;
    confirmed_as uuid;
BEGIN
    SELECT x.clinic_id INTO c FROM hub.kiosk x WHERE x.kiosk_id = k AND x.mode = 'clinic';
    IF c IS NULL THEN
        RAISE EXCEPTION 'device "%" is not a registered clinic device', k USING ERRCODE = '42501';
    END IF;
    IF jsonb_typeof(batch) IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'ingest expects a JSON array of records' USING ERRCODE = '22023';
    END IF;
    FOR item IN SELECT value FROM jsonb_array_elements(batch) LOOP
        rec_id := item->>'id';
        ent := item->>'entity';
        ptext := item->>'payload';
        detail := NULL;
        IF rec_id IS NULL OR ent IS NULL OR ptext IS NULL THEN
            rec_id := coalesce(rec_id, '');
            outcome := 'invalid';
            detail := 'record lacks id, entity or payload';
            RETURN NEXT;
            CONTINUE;
        END IF;
        h := pg_catalog.sha256(convert_to(ptext, 'UTF8'));
        SELECT r.payload_hash INTO existing FROM hub.ingest_record r WHERE r.kiosk_id = k AND r.record_id = rec_id;
        IF FOUND THEN
            outcome := CASE WHEN existing = h THEN 'duplicate' ELSE 'mismatch' END;
            RETURN NEXT;
            CONTINUE;
        END IF;
        BEGIN
            p := ptext::jsonb;
            IF jsonb_typeof(p) IS DISTINCT FROM 'object' THEN
                RAISE EXCEPTION 'payload is not a JSON object';
            END IF;
            INSERT INTO hub.ingest_record (kiosk_id, record_id, entity, payload_hash, source)
                VALUES (k, rec_id, ent, h, src);
            PERFORM hub.clinic_record(k, c, ent, rec_id, p);
            outcome := 'inserted';
            RETURN NEXT;
        EXCEPTION
            WHEN unique_violation THEN
                GET STACKED DIAGNOSTICS violated = CONSTRAINT_NAME, violation = MESSAGE_TEXT;
                SELECT r.payload_hash INTO existing FROM hub.ingest_record r
                    WHERE r.kiosk_id = k AND r.record_id = rec_id;
                IF existing IS NULL AND violated = 'arrival_once_per_dispatch_clinic' THEN
                    -- Not this record's id: a device of the same clinic confirmed the same dispatch.
                    SELECT a.kiosk_id, a.uuid INTO confirmed_by, confirmed_as FROM hub.arrival a
                        WHERE a.dispatch_kiosk_id = p->>'dispatch_kiosk_id'
                          AND a.dispatch_uuid = (p->>'dispatch_uuid')::uuid AND a.clinic_id = c;
                    outcome := 'invalid';
                    IF confirmed_by = k THEN
                        -- This very device, under another id: its ledger no longer holds that arrival.
                        detail := format('this device already confirmed this dispatch as arrival %s; its ledger '
                                         'no longer holds that arrival (was it restored from a backup?), so do '
                                         'not confirm the dispatch again: ask the hub administrator',
                                         confirmed_as);
                    ELSE
                        detail := format('this dispatch was already confirmed as arrived by another device of '
                                         'this same clinic (%s): device "%s"; a dispatch is confirmed once per '
                                         'clinic, so count its packs on that device', c, confirmed_by);
                    END IF;
                ELSIF existing IS NULL THEN
                    outcome := 'invalid';
                    detail := violation;
                ELSE
                    outcome := CASE WHEN existing = h THEN 'duplicate' ELSE 'mismatch' END;
                    detail := NULL;
                END IF;
                RETURN NEXT;
            WHEN OTHERS THEN
                outcome := 'invalid';
                detail := SQLERRM;
                RETURN NEXT;
        END;
    END LOOP;
END $$;

-- The clinic device's upload door: the device is whoever logged in.
CREATE OR REPLACE FUNCTION hub.clinic_ingest(batch jsonb)
    RETURNS TABLE (rec_id text, outcome text, detail text)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, hub, pg_temp AS $$
DECLARE k text;
BEGIN
    SELECT s.device_id INTO k FROM hub.session_clinic_device() s;
    IF k IS NULL THEN
        RAISE EXCEPTION 'role "%" is not a registered clinic device; register it with medkioskctl hub add-clinic-device',
            session_user USING ERRCODE = '42501';
    END IF;
    RETURN QUERY SELECT * FROM hub.clinic_ingest_for(k, batch, 'sync');
END $$;

-- A bundle's records go through the door of the device's mode (medkioskctl hub import).
CREATE OR REPLACE FUNCTION hub.ingest_device_for(k text, batch jsonb, src text)
    RETURNS TABLE (rec_id text, outcome text, detail text)
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, hub, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT FROM hub.kiosk x WHERE x.kiosk_id = k AND x.mode = 'clinic') THEN
        RETURN QUERY SELECT * FROM hub.clinic_ingest_for(k, batch, src);
    ELSE
        RETURN QUERY SELECT * FROM hub.ingest_for(k, batch, src);
    END IF;
END $$;

-- Administrator: a login role for one clinic-mode device of clinic `clinic`.
CREATE OR REPLACE FUNCTION hub.add_clinic_device(k text, clinic text, password text) RETURNS text
    LANGUAGE plpgsql SET search_path = pg_catalog, hub, pg_temp AS $$
DECLARE role text := 'clinic_' || k;
BEGIN
    IF k !~ '^[a-z0-9][a-z0-9_-]{0,39}$' THEN
        RAISE EXCEPTION 'device id "%" must be 1-40 characters a-z, 0-9, _ or -, starting with a letter or digit', k
            USING ERRCODE = '22023';
    END IF;
    IF NOT EXISTS (SELECT FROM hub.clinic c WHERE c.clinic_id = clinic AND c.kind <> 'other' AND NOT c.deleted) THEN
        RAISE EXCEPTION 'no clinic "%" at this hub; import the clinics first (medkioskctl hub clinics import)', clinic
            USING ERRCODE = '22023';
    END IF;
    IF EXISTS (SELECT FROM hub.kiosk x WHERE x.kiosk_id = k AND x.mode <> 'clinic') THEN
        RAISE EXCEPTION 'device id "%" is a collection point already; choose another id', k USING ERRCODE = '22023';
    END IF;
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = role) THEN
        EXECUTE format('ALTER ROLE %I LOGIN PASSWORD %L', role, password);
    ELSE
        EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT '
                       'IN ROLE medkiosk_clinic', role, password);
    END IF;
    INSERT INTO hub.kiosk (kiosk_id, role_name, mode, clinic_id) VALUES (k, role, 'clinic', clinic)
        ON CONFLICT (kiosk_id) DO UPDATE SET clinic_id = EXCLUDED.clinic_id;
    RETURN role;
END $$;

-- What every device reads: the clinics (not the 'other' placeholder), as a change feed like the
-- catalogue's.
CREATE OR REPLACE VIEW hub.clinic_feed AS
    SELECT c.clinic_id AS key,
           jsonb_build_object('clinic_id', c.clinic_id, 'name_zh', c.name_zh, 'name_en', c.name_en,
                              'kind', c.kind, 'township_zh', c.township_zh, 'township_en', c.township_en)
               AS body,
           c.change_seq, c.deleted
    FROM hub.clinic c WHERE c.kind <> 'other';

-- The collection points' manifest keys, for the clinic devices: a clinic checks a delivery list's
-- signature against the key its collection point registered (trust on first use, register_public_key),
-- so a list printed by anyone else is told apart. Fed as a change feed like the clinics; a key an
-- administrator cleared is fed as deleted.
ALTER TABLE hub.kiosk ADD COLUMN IF NOT EXISTS key_change_seq bigint NOT NULL DEFAULT 0;
CREATE OR REPLACE FUNCTION hub.stamp_key_change() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, hub, pg_temp AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.public_key IS DISTINCT FROM OLD.public_key THEN
        NEW.key_change_seq := nextval('hub.change_seq');
    END IF;
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS stamp_key_change ON hub.kiosk;
CREATE TRIGGER stamp_key_change BEFORE INSERT OR UPDATE ON hub.kiosk
    FOR EACH ROW EXECUTE FUNCTION hub.stamp_key_change();
-- Keys registered before this feed existed.
UPDATE hub.kiosk SET key_change_seq = nextval('hub.change_seq')
    WHERE key_change_seq = 0 AND public_key IS NOT NULL;

CREATE OR REPLACE VIEW hub.manifest_key_feed AS
    SELECT k.kiosk_id AS key,
           jsonb_build_object('kiosk_id', k.kiosk_id, 'public_key', k.public_key) AS body,
           k.key_change_seq AS change_seq, k.public_key IS NULL AS deleted
    FROM hub.kiosk k WHERE k.mode = 'collection-point' AND k.key_change_seq > 0;

REVOKE ALL ON FUNCTION hub.clinic_name_key(text), hub.match_clinic(text), hub.dispatch_resolve_clinic(),
    hub.dispatch_fill_lines(), hub.rematch_other_dispatches(), hub.session_clinic_device(),
    hub.clinic_record(text, text, text, text, jsonb), hub.clinic_ingest_for(text, jsonb, text),
    hub.clinic_ingest(jsonb), hub.ingest_device_for(text, jsonb, text), hub.add_clinic_device(text, text, text)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hub.clinic_ingest(jsonb), hub.heartbeat(jsonb), hub.register_public_key(text),
    hub.session_kiosk() TO medkiosk_clinic;
REVOKE ALL ON hub.clinic_feed, hub.collection_clinic_distance, hub.dispatch_item_line FROM PUBLIC;
GRANT SELECT ON hub.clinic_feed TO medkiosk_kiosk, medkiosk_clinic, medkiosk_bureau;
REVOKE ALL ON hub.manifest_key_feed FROM PUBLIC;
GRANT SELECT ON hub.manifest_key_feed TO medkiosk_clinic;
GRANT SELECT ON hub.catalogue_feed TO medkiosk_clinic;
