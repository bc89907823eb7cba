// Issue 12, item 1: a kiosk's hub login must never run its own code as the hub's owner. The attack
// creates objects in the session's temporary schema (pg_temp) that shadow a name a SECURITY DEFINER
// function uses, then calls the kiosk's doors. Two walls are tested separately: a kiosk (or report)
// login cannot create anything at all, and even a login that could (TEMP granted by mistake) finds
// every hub function immune to shadowing.

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "sync_fixture.hpp"

namespace medkiosk::test {
namespace {

// Runs as the definer when the attack works: makes the caller superuser and rewrites every other
// kiosk's drop-offs. Run as the kiosk itself (the attack failed), it does nothing and says so.
constexpr const char* kEvil = R"sql(
CREATE FUNCTION pg_temp.evil() RETURNS pg_catalog.bool LANGUAGE plpgsql AS $$
BEGIN
    BEGIN
        EXECUTE pg_catalog.format('ALTER ROLE %I SUPERUSER', session_user);
        UPDATE hub.dropoff SET quantity = quantity + 1000 WHERE kiosk_id OPERATOR(pg_catalog.<>) hub.session_kiosk();
    EXCEPTION WHEN insufficient_privilege THEN
        NULL;
    END;
    RETURN true;
END $$)sql";

struct Attack {
    std::string name;
    std::vector<std::string> setup;  // run as the kiosk, in order, in its own session
};

std::vector<Attack> shadowing_attacks() {
    std::vector<Attack> attacks;
    // The issue's probe, then the same with every other type name the hub's functions use.
    for (const char* type : {"uuid", "text", "jsonb", "bytea", "timestamptz", "date"}) {
        attacks.push_back({std::string("domain ") + type,
                           {kEvil, std::string("CREATE DOMAIN pg_temp.") + type + " AS pg_catalog." + type +
                                       " CHECK (pg_temp.evil())"}});
    }
    // A cast into a shadowing type runs the caster's function.
    attacks.push_back(
        {"cast",
         {kEvil, "CREATE TYPE pg_temp.timestamptz AS (v pg_catalog.text)",
          "CREATE FUNCTION pg_temp.into_shadow(s pg_catalog.text) RETURNS pg_temp.timestamptz LANGUAGE "
          "plpgsql "
          "AS $$ BEGIN PERFORM pg_temp.evil(); RETURN ROW(s)::pg_temp.timestamptz; END $$",
          "CREATE CAST (pg_catalog.text AS pg_temp.timestamptz) WITH FUNCTION "
          "pg_temp.into_shadow(pg_catalog.text)",
          "CREATE FUNCTION pg_temp.out_of_shadow(x pg_temp.timestamptz) RETURNS pg_catalog.timestamptz "
          "LANGUAGE sql AS $$ SELECT (x).v::pg_catalog.timestamptz $$",
          "CREATE CAST (pg_temp.timestamptz AS pg_catalog.timestamptz) WITH FUNCTION "
          "pg_temp.out_of_shadow(pg_temp.timestamptz) AS ASSIGNMENT"}});
    // A temporary table is also a type (its row type), and shadows any relation named unqualified.
    attacks.push_back(
        {"table",
         {kEvil, "CREATE TEMP TABLE uuid (v pg_catalog.text)",
          "CREATE FUNCTION pg_temp.into_shadow(s pg_catalog.text) RETURNS pg_temp.uuid LANGUAGE plpgsql "
          "AS $$ BEGIN PERFORM pg_temp.evil(); RETURN ROW(s)::pg_temp.uuid; END $$",
          "CREATE CAST (pg_catalog.text AS pg_temp.uuid) WITH FUNCTION pg_temp.into_shadow(pg_catalog.text)",
          "CREATE FUNCTION pg_temp.out_of_shadow(x pg_temp.uuid) RETURNS pg_catalog.uuid "
          "LANGUAGE sql AS $$ SELECT (x).v::pg_catalog.uuid $$",
          "CREATE CAST (pg_temp.uuid AS pg_catalog.uuid) WITH FUNCTION pg_temp.out_of_shadow(pg_temp.uuid) "
          "AS ASSIGNMENT",
          "CREATE TEMP TABLE kiosk (kiosk_id pg_catalog.text, role_name pg_catalog.text)",
          "INSERT INTO pg_temp.kiosk SELECT 'someone-else', session_user WHERE pg_temp.evil()",
          "CREATE TEMP TABLE ingest_record (kiosk_id pg_catalog.text, record_id pg_catalog.text)",
          "CREATE TEMP TABLE dropoff (kiosk_id pg_catalog.text)",
          "CREATE TEMP TABLE pg_roles (rolname pg_catalog.name)"}});
    // Operators and functions in pg_temp are never looked up unqualified; these guard that it stays so.
    attacks.push_back(
        {"operator",
         {kEvil, "CREATE DOMAIN pg_temp.bytea AS pg_catalog.bytea",
          "CREATE FUNCTION pg_temp.evil_eq(a pg_temp.bytea, b pg_temp.bytea) RETURNS pg_catalog.bool "
          "LANGUAGE sql AS $$ SELECT pg_temp.evil() $$",
          "CREATE OPERATOR pg_temp.= (LEFTARG = pg_temp.bytea, RIGHTARG = pg_temp.bytea, FUNCTION = "
          "pg_temp.evil_eq)",
          "CREATE FUNCTION pg_temp.evil_text_eq(a pg_catalog.text, b pg_catalog.text) RETURNS "
          "pg_catalog.bool "
          "LANGUAGE sql AS $$ SELECT pg_temp.evil() AND a OPERATOR(pg_catalog.=) b $$",
          "CREATE OPERATOR pg_temp.= (LEFTARG = pg_catalog.text, RIGHTARG = pg_catalog.text, FUNCTION = "
          "pg_temp.evil_text_eq)",
          "CREATE FUNCTION pg_temp.evil_get(a pg_catalog.jsonb, b pg_catalog.text) RETURNS pg_catalog.text "
          "LANGUAGE sql AS $$ SELECT CASE WHEN pg_temp.evil() THEN a OPERATOR(pg_catalog.->>) b END $$",
          "CREATE OPERATOR pg_temp.->> (LEFTARG = pg_catalog.jsonb, RIGHTARG = pg_catalog.text, FUNCTION = "
          "pg_temp.evil_get)"}});
    attacks.push_back(
        {"function",
         {kEvil,
          "CREATE FUNCTION pg_temp.session_kiosk() RETURNS pg_catalog.text LANGUAGE sql AS $$ "
          "SELECT CASE WHEN pg_temp.evil() THEN 'someone-else' END $$",
          "CREATE FUNCTION pg_temp.sha256(pg_catalog.bytea) RETURNS pg_catalog.bytea LANGUAGE sql AS $$ "
          "SELECT CASE WHEN pg_temp.evil() THEN $1 END $$",
          "CREATE FUNCTION pg_temp.jsonb_typeof(pg_catalog.jsonb) RETURNS pg_catalog.text LANGUAGE sql AS $$ "
          "SELECT CASE WHEN pg_temp.evil() THEN 'object' END $$",
          "CREATE FUNCTION pg_temp.clock_timestamp() RETURNS pg_catalog.timestamptz LANGUAGE sql AS $$ "
          "SELECT CASE WHEN pg_temp.evil() THEN pg_catalog.now() END $$"}});
    return attacks;
}

class HubPrivilegeTest : public SyncFixture {
  protected:
    // One donation session with one drop-off, as a kiosk sends them, and a batch with a bad record so
    // the hub takes its record-by-record path too.
    static std::string dropoff_record(const std::string& uuid, int sequence) {
        std::ostringstream payload;
        payload << R"({"uuid":")" << uuid
                << R"(","session_id":1,"recorded_at":"2026-11-29T08:00:00Z","sequence":)" << sequence
                << R"(,"scheme":"gs1","gtin":"06901234567809","expiry":"2028-05-31","quantity":1,)"
                << R"("condition":"sealed","decision":"accept","reason":"ok"})";
        return ingest_element("dropoff", uuid, payload.str());
    }
    // A receipt code is unique in the county: each call its own.
    static std::string session_record() {
        static int calls = 0;
        return ingest_element("session", "session-1",
                              R"({"session_id":1,"receipt_code":"PRIV-TEST-)" + std::to_string(++calls) +
                                  R"(","started_at":"2026-11-29T07:59:00Z"})");
    }

    // Everything a kiosk's login can call, the way the attacker's own session would. The casts in these
    // statements are schema-qualified so the attacker's own shadows do not break its own calls.
    struct Answers {
        std::vector<std::string> failures;
        std::vector<std::string> outcomes;
    };
    static Answers call_every_door(storage::HubSession& hub) {
        Answers answers;
        const auto ingest = [&](const std::string& batch) {
            auto rows = hub.query("SELECT outcome FROM hub.ingest($1::pg_catalog.jsonb)", {batch});
            if (!rows) {
                answers.failures.push_back("ingest: " + rows.error().message);
                return;
            }
            for (const auto& row : rows.value()) answers.outcomes.push_back(row.at(0).value_or(""));
        };
        ingest("[" + session_record() + "," + dropoff_record("6f1c2a9e-2222-4a4a-8a8a-000000000001", 1) +
               "]");
        ingest("[" + dropoff_record("6f1c2a9e-2222-4a4a-8a8a-000000000002", 2) +
               R"(,{"entity":"nonsense","id":"x","payload":"{}"}])");
        auto beat = hub.query(
            "SELECT hub.heartbeat($1::pg_catalog.jsonb)",
            {R"({"kiosk_time":"2026-11-29T08:00:00Z","version":"test","backlog":0,"audit_head":"1:ab"})"});
        if (!beat) answers.failures.push_back("heartbeat: " + beat.error().message);
        auto key = hub.query("SELECT hub.register_public_key($1)", {std::string(64, 'a')});
        if (!key) answers.failures.push_back("register_public_key: " + key.error().message);
        return answers;
    }

    std::string fingerprint_of(const TestKiosk& kiosk) {
        return pg.scalar(
            database,
            "SELECT coalesce(string_agg(uuid::text || ':' || quantity || ':' || reason, ',' ORDER BY "
            "uuid), '') FROM hub.dropoff WHERE kiosk_id = '" +
                kiosk.id + "'");
    }
    bool is_superuser(const TestKiosk& kiosk) {
        return pg.scalar(database, "SELECT rolsuper::text FROM pg_roles WHERE rolname = '" + kiosk.role +
                                       "'") == "true";
    }
};

// The issue's probe exactly, on a hub set up as the README says: the kiosk cannot even create its
// shadows, and its doors still work.
TEST_F(HubPrivilegeTest, TheIssuesProbeCannotMakeAKioskSuperuser) {
    auto attacker = make_kiosk("probea");
    auto victim = make_kiosk("probeb");
    victim.record(2);
    ASSERT_TRUE(worker_for(victim)->run_round().ok());
    const std::string before = fingerprint_of(victim);
    ASSERT_FALSE(before.empty());

    auto session = storage::HubSession::connect(attacker.conninfo);
    ASSERT_TRUE(session.ok()) << session.error().message;
    auto& hub = *session.value();
    EXPECT_FALSE(hub.exec(kEvil).ok()) << "a kiosk created a function in pg_temp";
    EXPECT_FALSE(hub.exec("CREATE DOMAIN pg_temp.uuid AS pg_catalog.uuid CHECK (pg_temp.evil())").ok())
        << "a kiosk created a domain in pg_temp";
    const auto answers = call_every_door(hub);
    EXPECT_TRUE(answers.failures.empty()) << answers.failures.front();

    EXPECT_FALSE(is_superuser(attacker)) << "the kiosk's login became SUPERUSER";
    EXPECT_EQ(fingerprint_of(victim), before) << "another kiosk's drop-offs were rewritten";
}

// Were TEMP ever granted (a database cloned from a template keeps no database ACL, a DBA's mistake),
// no shadow in pg_temp reaches a hub function: every one of them searches pg_temp last and names its
// types by schema.
TEST_F(HubPrivilegeTest, NoShadowInPgTempRunsAsTheHubOwnerEvenWithTempGranted) {
    auto victim = make_kiosk("shadowb");
    victim.record(2);
    ASSERT_TRUE(worker_for(victim)->run_round().ok());

    for (const auto& attack : shadowing_attacks()) {
        SCOPED_TRACE("attack: " + attack.name);
        const std::string before = fingerprint_of(victim);
        ASSERT_FALSE(before.empty());
        auto attacker = make_kiosk("shadowa");
        ASSERT_TRUE(pg.admin(database)
                        ->exec("GRANT TEMPORARY ON DATABASE " + database + " TO \"" + attacker.role + "\"")
                        .ok());
        auto session = storage::HubSession::connect(attacker.conninfo);
        ASSERT_TRUE(session.ok()) << session.error().message;
        auto& hub = *session.value();
        for (const auto& statement : attack.setup) {
            auto done = hub.exec(statement);
            ASSERT_TRUE(done.ok()) << "the attack's setup failed, so it tests nothing: " << statement << ": "
                                   << done.error().message;
        }
        const auto answers = call_every_door(hub);
        EXPECT_TRUE(answers.failures.empty()) << answers.failures.front();
        // session, drop-off; drop-off, the nonsense record (invalid).
        EXPECT_EQ(answers.outcomes,
                  (std::vector<std::string>{"inserted", "inserted", "inserted", "invalid"}));

        EXPECT_FALSE(is_superuser(attacker)) << "the kiosk's login became SUPERUSER";
        EXPECT_EQ(fingerprint_of(victim), before) << "another kiosk's drop-offs were rewritten";
        (void)pg.admin(database)->exec("ALTER ROLE \"" + attacker.role + "\" NOSUPERUSER");
    }
}

// A kiosk or report login creates nothing anywhere: no temporary object, nothing in any schema.
TEST_F(HubPrivilegeTest, KioskAndReportLoginsCannotCreateAnything) {
    auto kiosk = make_kiosk("create");
    const std::string report_role = unique_kiosk_id("report");
    ASSERT_TRUE(
        pg.admin(database)
            ->exec("CREATE ROLE \"" + report_role + "\" LOGIN PASSWORD 'pw-report' IN ROLE medkiosk_report")
            .ok());
    const char* refused[] = {
        "CREATE TEMP TABLE t (x int)",
        "CREATE TABLE pg_temp.t2 (x int)",
        "CREATE TEMP VIEW v AS SELECT 1",
        "CREATE TEMP SEQUENCE s",
        "CREATE FUNCTION pg_temp.f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
        "CREATE DOMAIN pg_temp.uuid AS pg_catalog.uuid",
        "CREATE TYPE pg_temp.e AS ENUM ('x')",
        "CREATE SCHEMA mine",
        "CREATE TABLE public.mine (x int)",
        "CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
        "CREATE VIEW public.v AS SELECT 1",
        "CREATE TABLE hub.mine (x int)",
        "CREATE FUNCTION hub.f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
        "CREATE OPERATOR public.=== (LEFTARG = int, RIGHTARG = int, FUNCTION = int4eq)",
        // Large objects belong to no schema, so only revoking their functions stops a login making them.
        "SELECT lo_create(0)",
        "SELECT lo_creat(-1)",
        "SELECT lo_from_bytea(0, '\\x00')",
        "SELECT lo_import('/etc/hostname')",
        "SELECT lo_import('/etc/hostname', 424242)",
        "SELECT lo_open(424242, 131072)",
        "SELECT lo_put(424242, 0, '\\x00')",
    };
    for (const auto& [role, password] :
         {std::pair{kiosk.role, kiosk.password}, std::pair{report_role, std::string("pw-report")}}) {
        SCOPED_TRACE("login " + role);
        auto session = storage::HubSession::connect(pg.role_conninfo(database, role, password));
        ASSERT_TRUE(session.ok()) << session.error().message;
        for (const char* sql : refused) {
            EXPECT_FALSE(session.value()->exec(sql).ok()) << "allowed: " << sql;
        }
        EXPECT_EQ(
            pg.scalar(database, "SELECT count(*)::text FROM pg_largeobject_metadata WHERE lomowner = '" +
                                    role + "'::regrole"),
            "0");
        EXPECT_EQ(pg.scalar(database, "SELECT has_database_privilege('" + role +
                                          "', current_database(), 'TEMPORARY, CREATE')::text"),
                  "false");
        EXPECT_EQ(pg.scalar(database,
                            "SELECT coalesce(string_agg(nspname, ', '), '') FROM pg_namespace WHERE "
                            "has_schema_privilege('" +
                                role + "', oid, 'CREATE')"),
                  "")
            << "schemas this login may create in";
    }
}

// The rule for every SECURITY DEFINER function, present and future (other branches add hub functions):
// search_path pinned with pg_catalog first and pg_temp last.
TEST_F(HubPrivilegeTest, EverySecurityDefinerFunctionSearchesPgTempLast) {
    auto admin = pg.admin(database);
    auto rows = admin->query(
        "SELECT p.oid::regprocedure::text, coalesce(array_to_string(p.proconfig, '|'), '') FROM pg_proc p "
        "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.prosecdef AND n.nspname NOT IN "
        "('pg_catalog', 'information_schema') ORDER BY 1");
    ASSERT_TRUE(rows.ok()) << rows.error().message;
    ASSERT_GE(rows.value().size(), 7u) << "the hub's SECURITY DEFINER functions were not found";
    for (const auto& row : rows.value()) {
        const std::string function = row.at(0).value_or("");
        const std::string config = row.at(1).value_or("");
        SCOPED_TRACE(function + " runs with " + (config.empty() ? "no SET clause" : config));
        EXPECT_EQ(function.rfind("hub.", 0), 0u) << "a SECURITY DEFINER function outside the hub schema";
        std::string path;
        std::istringstream settings(config);
        for (std::string setting; std::getline(settings, setting, '|');) {
            if (setting.rfind("search_path=", 0) == 0) path = setting.substr(12);
        }
        ASSERT_FALSE(path.empty()) << "no pinned search_path";
        std::vector<std::string> schemas;
        std::istringstream parts(path);
        for (std::string part; std::getline(parts, part, ',');) {
            part.erase(0, part.find_first_not_of(' '));
            part.erase(part.find_last_not_of(' ') + 1);
            schemas.push_back(part);
        }
        EXPECT_EQ(schemas.front(), "pg_catalog");
        EXPECT_EQ(schemas.back(), "pg_temp");
    }
}

}  // namespace
}  // namespace medkiosk::test
