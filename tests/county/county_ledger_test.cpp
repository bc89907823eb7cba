// The kiosk's side of issue 17 on a real SQLite ledger: the manifest code, dispatching part of a
// drop-off, the bureau's orders holding packs, the version-30 migration that returns partly
// dispatched packs to the queue, and a clinic-mode device's arrivals, packs given out and disposals.

#include <gtest/gtest.h>

#include <random>

#include "../storage/storage_test_util.hpp"
#include "medkiosk/storage/clinic_store.hpp"
#include "medkiosk/storage/dispatch_book.hpp"
#include "medkiosk/storage/kiosk_key.hpp"
#include "medkiosk/storage/ledger.hpp"
#include "medkiosk/storage/manifest.hpp"
#include "support/temp_dir.hpp"

namespace medkiosk::storage {
namespace {

using testing::RawDb;

Manifest sample_manifest(int lines = 2) {
    Manifest m;
    m.kiosk_id = "cp-a";
    m.dispatch_uuid = "8e0c2a9e-1111-4a4a-8a8a-000000000001";
    m.clinic_id = "shitang-vc";
    m.dispatched_on = "2026-12-02";
    for (int i = 1; i <= lines; ++i)
        m.lines.push_back({i, i % 2 ? "06901234567892" : "8234567",
                           i % 3 ? "2027-0" + std::to_string(1 + i % 9) + "-28" : "",
                           i % 2 ? "fever" : "cough", i});
    return m;
}

TEST(Manifest, RoundTripsAndRefusesEveryChangedCharacter) {
    for (int lines : {1, 7, kMaxManifestLines}) {
        const Manifest m = sample_manifest(lines);
        const std::string code = encode_manifest(m);
        auto decoded = decode_manifest(code);
        ASSERT_TRUE(decoded.ok()) << decoded.error().message << "\n" << code;
        EXPECT_EQ(decoded.value(), m);
        EXPECT_TRUE(looks_like_manifest(code));
        // Any one character changed is caught (by the checksum, or the form before it).
        std::mt19937 random(lines);
        for (std::size_t i = 0; i < code.size(); ++i) {
            std::string changed = code;
            changed[i] = static_cast<char>(changed[i] == 'x' ? 'y' : 'x');
            EXPECT_FALSE(decode_manifest(changed).ok()) << "position " << i;
        }
        EXPECT_FALSE(decode_manifest(code.substr(0, code.size() / 2)).ok());
    }
    Manifest with_order = sample_manifest(1);
    with_order.order_uuid = "a0000000-0000-4000-8000-000000000001";
    EXPECT_EQ(decode_manifest(encode_manifest(with_order)).value().order_uuid, with_order.order_uuid);
    EXPECT_FALSE(decode_manifest("(01)06901234567892(17)270630").ok());
    EXPECT_NE(decode_manifest("(01)06901234567892").error().message.find("pack's barcode"),
              std::string::npos);
    Manifest too_many = sample_manifest(kMaxManifestLines + 1);
    EXPECT_FALSE(decode_manifest(encode_manifest(too_many)).ok());
    Manifest bad_date = sample_manifest(1);
    bad_date.lines[0].expiry = "2027-13-40";
    EXPECT_FALSE(decode_manifest(encode_manifest(bad_date)).ok());
    bad_date.lines[0].expiry = "2026-02-31";  // the hub refuses it: a clinic must not stock it
    EXPECT_FALSE(decode_manifest(encode_manifest(bad_date)).ok());
    bad_date.lines[0].expiry = "2028-02-29";
    EXPECT_TRUE(decode_manifest(encode_manifest(bad_date)).ok());
}

TEST(Manifest, ASignedListIsTrustedOnlyWithItsCollectionPointsKeyAndOnlyAsSigned) {
    medkiosk::test::TempDir keys;
    const auto key_file = keys.path() / "kiosk_sign.key";
    const auto public_key = kiosk_public_key(key_file);
    const auto someone_else = kiosk_public_key(keys.path() / "other.key");
    ASSERT_TRUE(public_key.ok() && someone_else.ok());
    Manifest m = sample_manifest(7);
    ASSERT_TRUE(sign_manifest(m, key_file).ok());
    const std::string code = encode_manifest(m);
    EXPECT_EQ(code.rfind("MKD2|", 0), 0u) << code;
    auto decoded = decode_manifest(code);
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    EXPECT_EQ(decoded.value(), m);
    EXPECT_EQ(check_manifest_signature(decoded.value(), public_key.value()), ManifestSignature::Valid);
    EXPECT_EQ(check_manifest_signature(decoded.value(), std::nullopt), ManifestSignature::KeyUnknown);
    EXPECT_EQ(check_manifest_signature(decoded.value(), someone_else.value()), ManifestSignature::Invalid);

    // The forger's way: change a count and recompute the checksum (encode does), keeping the signature.
    Manifest more = decoded.value();
    more.lines[2].quantity += 5;
    auto forged = decode_manifest(encode_manifest(more));
    ASSERT_TRUE(forged.ok()) << "the checksum alone is no protection: it reads";
    EXPECT_EQ(check_manifest_signature(forged.value(), public_key.value()), ManifestSignature::Invalid);
    Manifest elsewhere = decoded.value();
    elsewhere.clinic_id = "hexi-vc";
    EXPECT_EQ(check_manifest_signature(elsewhere, public_key.value()), ManifestSignature::Invalid);
    // Signed by another key with the collection point's name on it.
    Manifest impostor = sample_manifest(7);
    ASSERT_TRUE(sign_manifest(impostor, keys.path() / "other.key").ok());
    EXPECT_EQ(check_manifest_signature(impostor, public_key.value()), ManifestSignature::Invalid);

    // No changed character ever verifies: it is unreadable, or its signature fails.
    for (std::size_t i = 0; i < code.size(); ++i) {
        std::string changed = code;
        changed[i] = static_cast<char>(changed[i] == '1' ? '2' : '1');
        auto read = decode_manifest(changed);
        EXPECT_TRUE(!read.ok() ||
                    check_manifest_signature(read.value(), public_key.value()) == ManifestSignature::Invalid)
            << "position " << i;
    }
    auto cut = decode_manifest(code.substr(0, code.size() - 10));
    ASSERT_FALSE(cut.ok());
    EXPECT_NE(cut.error().message.find("signature"), std::string::npos) << cut.error().message;
    // A list printed before signing reads, as unsigned, where its collection point's key is not known;
    // where it is, an unsigned list naming it is refused like a changed one (a forger would drop the
    // signature).
    const Manifest printed_before = decode_manifest(encode_manifest(sample_manifest(2))).value();
    EXPECT_EQ(check_manifest_signature(printed_before, std::nullopt), ManifestSignature::Unsigned);
    EXPECT_EQ(check_manifest_signature(printed_before, public_key.value()), ManifestSignature::Invalid);
}

class CountyLedgerTest : public ::testing::Test {
  protected:
    medkiosk::test::TempDir dir;
    std::filesystem::path file = dir.path() / "ledger.db";
    LedgerOptions options{"cp-test", dir.path() / "county.key", false};
    std::unique_ptr<Ledger> ledger = Ledger::open(file, options).value();
    std::int64_t staff = ledger->users().add("alice", "staff", "$argon2id$x", "test").value().id;
    std::int64_t session = ledger->dropoffs().begin_session().value().id;
    int serial = 0;

    std::string record(int quantity, const std::string& expiry = "2027-06-30",
                       const std::string& decision = "accept") {
        auto input = testing::sample_dropoff(session, "SN-" + std::to_string(++serial));
        input.quantity = quantity;
        input.expiry = expiry;
        input.decision = decision;
        return ledger->dropoffs().record(input).value().uuid;
    }
    std::unique_ptr<DispatchBook> book() { return DispatchBook::open(file, options).value(); }
    void clinics(DispatchBook& b) {
        ASSERT_TRUE(
            b.import_clinics({{"shitang-vc", "石塘村卫生室", "Shitang Village Clinic", "village-clinic",
                               "石塘镇", "Shitang", std::nullopt, std::nullopt, false},
                              {"hexi-vc", "河西村卫生室", "Hexi Village Clinic", "village-clinic", "河西镇",
                               "Hexi", std::nullopt, std::nullopt, false}},
                             "test")
                .ok());
    }
    int free_of(DispatchBook& b, const std::string& uuid) {
        const auto candidates = b.candidates(1000).value();
        for (const auto& c : candidates)
            if (c.row.dropoff.uuid == uuid) return c.free;
        return 0;
    }
    std::int64_t local(const std::string& sql) { return RawDb(file, true).integer(sql); }
};

TEST_F(CountyLedgerTest, DispatchingPartOfADropOffLeavesTheRestInTheQueue) {
    const std::string two = record(2);
    auto b = book();
    clinics(*b);
    DispatchRequest request;
    request.clinic_id = "shitang-vc";
    request.items = {{two, 1}};
    request.user_id = staff;
    request.confirm_kiosk_accepted = true;
    auto first = b->record(request);
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_EQ(first.value().manifest.packs(), 1);
    EXPECT_EQ(first.value().dispatch.clinic, "石塘村卫生室");
    // The second box is still here: approved, one free; the staff queue's candidates agree.
    EXPECT_EQ(RawDb(file, true).text("SELECT review_state FROM dropoff WHERE uuid = '" + two + "'"),
              "approved");
    EXPECT_EQ(free_of(*b, two), 1);
    ASSERT_EQ(ledger->staff().dispatch_candidates(10).value().size(), 1u);
    EXPECT_EQ(ledger->staff().dispatch_candidates(10).value().front().dropoff.quantity, 1);
    // More than is left is refused whole.
    const auto outbox_before = local("SELECT count(*) FROM outbox");
    request.items = {{two, 2}};
    auto too_many = b->record(request);
    ASSERT_FALSE(too_many.ok());
    EXPECT_NE(too_many.error().message.find("only 1 of drop-off"), std::string::npos)
        << too_many.error().message;
    EXPECT_EQ(local("SELECT count(*) FROM outbox"), outbox_before);
    // The last box: now the drop-off is dispatched and gone from the candidates.
    request.clinic_id = "hexi-vc";
    request.items = {{two, 1}};
    ASSERT_TRUE(b->record(request).ok());
    EXPECT_EQ(RawDb(file, true).text("SELECT review_state FROM dropoff WHERE uuid = '" + two + "'"),
              "dispatched");
    EXPECT_EQ(free_of(*b, two), 0);
    EXPECT_EQ(local("SELECT sum(quantity) FROM dispatch_item WHERE dropoff_uuid = '" + two + "'"), 2);
    // A typed name still works as before clinics were reference data, matched when it can be.
    request.clinic_id.clear();
    request.clinic_name = "  shitang village-clinic ";
    request.items = {{record(1), 1}};
    auto typed = b->record(request);
    ASSERT_TRUE(typed.ok()) << typed.error().message;
    EXPECT_EQ(typed.value().clinic_id, "shitang-vc");
    EXPECT_TRUE(ledger->audit().verify().value().ok());
}

TEST_F(CountyLedgerTest, ManifestLinesGroupAlikePacksAndTheOutboxCarriesThem) {
    const std::string a = record(2, "2027-06-30"), b1 = record(1, "2027-06-30"), c = record(3, "2028-01-31");
    auto b = book();
    clinics(*b);
    DispatchRequest request{"shitang-vc", "", "", false, {{a, 2}, {b1, 1}, {c, 2}}, staff, true};
    auto recorded = b->record(request);
    ASSERT_TRUE(recorded.ok()) << recorded.error().message;
    const auto& lines = recorded.value().manifest.lines;
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0].expiry, "2027-06-30");
    EXPECT_EQ(lines[0].quantity, 3);
    EXPECT_EQ(lines[1].quantity, 2);
    EXPECT_EQ(recorded.value().manifest.kiosk_id, "cp-test");
    EXPECT_EQ(decode_manifest(recorded.value().manifest_code).value(), recorded.value().manifest);
    const std::string payload =
        RawDb(file, true).text("SELECT payload FROM outbox WHERE entity = 'dispatch'");
    EXPECT_NE(payload.find("\"clinic_id\":\"shitang-vc\""), std::string::npos) << payload;
    EXPECT_NE(payload.find("\"line\":2"), std::string::npos) << payload;
    EXPECT_EQ(b->find(recorded.value().dispatch.uuid).value().manifest_code, recorded.value().manifest_code);
    // Signed with this kiosk's key; a dispatch stored before signing is signed when read (its packing
    // list printed again), with the same signature every time.
    const auto public_key = kiosk_public_key(kiosk_key_file_beside(file)).value();
    EXPECT_EQ(check_manifest_signature(recorded.value().manifest, public_key), ManifestSignature::Valid);
    Manifest unsigned_form = recorded.value().manifest;
    unsigned_form.signature.clear();
    RawDb(file).exec("UPDATE dispatch SET manifest = '" + encode_manifest(unsigned_form) + "'");
    const auto reread = b->find(recorded.value().dispatch.uuid).value();
    EXPECT_EQ(reread.manifest_code, recorded.value().manifest_code);
    EXPECT_EQ(check_manifest_signature(reread.manifest, public_key), ManifestSignature::Valid);
    // A clinic not in the list is refused.
    request.clinic_id = "nowhere";
    request.items = {{c, 1}};
    EXPECT_FALSE(b->record(request).ok());
}

TEST_F(CountyLedgerTest, TheBureausOrdersHoldTheirPacksForTheirClinic) {
    const std::string held = record(2), free = record(1);
    auto b = book();
    clinics(*b);
    const std::string order = "a0000000-0000-4000-8000-0000000000o1";
    RawDb(file).exec(
        "INSERT INTO hub_order (key, body, change_seq, deleted) VALUES "
        "('a0000000-0000-4000-8000-000000000001', "
        "'{\"clinic_id\":\"hexi-vc\",\"request_id\":7,\"category\":\"fever\",\"needed_by\":\"2026-12-20\","
        "\"items\":["
        "{\"dropoff_uuid\":\"" +
        held + "\",\"quantity\":2}]}', 5, 0)");
    EXPECT_EQ(free_of(*b, held), 0);
    EXPECT_EQ(free_of(*b, free), 1);
    DispatchRequest other{"shitang-vc", "", "", false, {{held, 1}}, staff, true};
    auto refused = b->record(other);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find("held for the bureau's orders"), std::string::npos);
    // Partly fulfilled: one of two; the order is still open with one to go.
    DispatchRequest part{"", "", "a0000000-0000-4000-8000-000000000001", false, {{held, 1}}, staff, true};
    auto sent = b->record(part);
    ASSERT_TRUE(sent.ok()) << sent.error().message;
    EXPECT_EQ(sent.value().clinic_id, "hexi-vc");
    auto orders = b->orders().value();
    ASSERT_EQ(orders.size(), 1u);
    EXPECT_EQ(orders[0].sent(), 1);
    EXPECT_EQ(orders[0].items[0].available, 1);
    // A pack not on the order, or more than it wants, is refused.
    part.items = {{free, 1}};
    EXPECT_FALSE(b->record(part).ok());
    part.items = {{held, 2}};
    EXPECT_FALSE(b->record(part).ok());
    // Closing it releases the rest to the free stock.
    part.items = {{held, 1}};
    part.closes_order = true;
    part.items.clear();
    part.items = {{held, 1}};
    ASSERT_TRUE(b->record(part).ok());
    EXPECT_TRUE(b->orders().value().empty());
    EXPECT_EQ(b->orders(true).value().size(), 1u);
    (void)order;
}

TEST_F(CountyLedgerTest, AVersion20LedgerGetsItsPartlyDispatchedBoxesBackAndTheClinicRole) {
    const std::string two = record(2);
    ASSERT_TRUE(ledger->staff().record_dispatch("Village clinic 5", staff, {{two, 1}}, true).ok());
    ledger.reset();
    {
        // The bug of version 20: one of two boxes dispatched, the drop-off marked dispatched.
        RawDb raw(file);
        raw.exec(std::string(testing::kUndoSchemaVersion30) +
                 "UPDATE dropoff SET review_state = 'dispatched'; PRAGMA user_version = 20;");
    }
    ledger = Ledger::open(file, options).value();
    RawDb raw(file, true);
    EXPECT_EQ(raw.integer("PRAGMA user_version"), Ledger::kSchemaVersion);
    EXPECT_EQ(raw.text("SELECT review_state FROM dropoff"), "approved");
    EXPECT_EQ(raw.integer("SELECT count(*) FROM dispatch_item"), 1);
    EXPECT_EQ(raw.text("PRAGMA integrity_check"), "ok");
    EXPECT_EQ(raw.integer("PRAGMA foreign_key_check"), 0);
    EXPECT_EQ(free_of(*book(), two), 1);
    EXPECT_TRUE(ledger->users().add("carol", "clinic", "$argon2id$x", "test").ok());
    EXPECT_FALSE(ledger->users().add("mallory", "root", "$argon2id$x", "test").ok());
}

class ClinicLedgerTest : public CountyLedgerTest {
  protected:
    std::filesystem::path clinic_file = dir.path() / "clinic" / "ledger.db";
    std::int64_t nurse = 0;  // set by open_store(): declared before it
    std::unique_ptr<ClinicStore> store = open_store();

    std::unique_ptr<ClinicStore> open_store() {
        std::filesystem::create_directories(clinic_file.parent_path());
        LedgerOptions clinic_options{"clinic-dev", dir.path() / "clinic" / "county.key", false};
        auto clinic_ledger = Ledger::open(clinic_file, clinic_options).value();
        nurse = clinic_ledger->users().add("nurse", "clinic", "$argon2id$x", "test").value().id;
        clinic_ledger.reset();
        auto opened = ClinicStore::open(clinic_file, clinic_options, "shitang-vc");
        EXPECT_TRUE(opened.ok()) << (opened.ok() ? "" : opened.error().message);
        return opened.ok() ? std::move(opened).value() : nullptr;
    }
    std::int64_t clinic_local(const std::string& sql) { return RawDb(clinic_file, true).integer(sql); }

    // The lists a test of cp-a's damaged key row checks against: the nurse's arrival of a 2-line list
    // collection point cp-a signed, and the same list unsigned with its first line raised to 900 packs
    // (a forgery once the device knows cp-a signs).
    struct CpALists {
        std::filesystem::path key_file;  // cp-a's signing key, made under dir/cp-a
        ArrivalInput input;
        ArrivalInput forged;
    };
    CpALists signed_by_cp_a_and_forged() {
        CpALists lists;
        lists.key_file = dir.path() / "cp-a" / "kiosk_sign.key";
        std::filesystem::create_directories(lists.key_file.parent_path());
        lists.input.user_id = nurse;
        lists.input.manifest = sample_manifest(2);
        auto signed_list = sign_manifest(lists.input.manifest, lists.key_file);
        EXPECT_TRUE(signed_list.ok()) << (signed_list.ok() ? "" : signed_list.error().message);
        lists.forged = lists.input;
        lists.forged.manifest.signature.clear();
        lists.forged.manifest.lines[0].quantity = 900;
        return lists;
    }
};

TEST_F(ClinicLedgerTest, AnArrivalCountsMissingDamagedAndExtraPacksOnce) {
    ArrivalInput input;
    input.manifest = sample_manifest(3);    // lines of 1, 2, 3 packs
    input.counts = {{2, 1, 0}, {3, 3, 1}};  // line 2: one missing; line 3: one damaged
    input.extras = {{"06900000000021", "2027-09-30", "fever", 2, 0}};
    input.user_id = nurse;
    auto arrival = store->record_arrival(input);
    ASSERT_TRUE(arrival.ok()) << arrival.error().message;
    ASSERT_EQ(arrival.value().lines.size(), 4u);
    EXPECT_EQ(arrival.value().lines[1].missing(), 1);
    EXPECT_TRUE(arrival.value().lines[3].extra);
    EXPECT_EQ(arrival.value().lines[3].line, 4);
    auto totals = store->totals().value();
    EXPECT_EQ(totals.received, 1 + 1 + 2 + 2);  // usable: line 3 had one damaged
    EXPECT_EQ(totals.on_hand, totals.received);
    // Once only, and never another clinic's.
    EXPECT_FALSE(store->record_arrival(input).ok());
    input.manifest.dispatch_uuid = "8e0c2a9e-1111-4a4a-8a8a-000000000002";
    input.manifest.clinic_id = "hexi-vc";
    auto foreign = store->record_arrival(input);
    ASSERT_FALSE(foreign.ok());
    EXPECT_NE(foreign.error().message.find("sent to clinic hexi-vc"), std::string::npos);
    // Counting more than the line holds, or damaged above received, is refused.
    input.manifest.clinic_id = "shitang-vc";
    input.counts = {{1, 2, 0}};
    EXPECT_FALSE(store->record_arrival(input).ok());
    input.counts = {{1, 1, 2}};
    EXPECT_FALSE(store->record_arrival(input).ok());
    EXPECT_EQ(clinic_local("SELECT count(*) FROM outbox WHERE entity = 'arrival'"), 1);
}

TEST_F(ClinicLedgerTest, AListChangedAfterSigningIsRefusedOneNotYetCheckableIsTaken) {
    const auto key_file = dir.path() / "cp-a" / "kiosk_sign.key";
    std::filesystem::create_directories(key_file.parent_path());
    ArrivalInput input;
    input.user_id = nurse;
    input.manifest = sample_manifest(2);
    ASSERT_TRUE(sign_manifest(input.manifest, key_file).ok());
    Manifest forged = input.manifest;
    forged.lines[0].quantity = 9;
    EXPECT_EQ(store->manifest_signature(input.manifest).value(), ManifestSignature::KeyUnknown)
        << "no key pulled from the hub yet";
    // The hub's feed brings cp-a's key (as the sync stores it).
    RawDb(clinic_file)
        .exec(
            "INSERT INTO hub_kiosk_key (key, body, change_seq, deleted) VALUES ('cp-a', "
            "json_object('kiosk_id', "
            "'cp-a', 'public_key', '" +
            kiosk_public_key(key_file).value() + "'), 7, 0)");
    EXPECT_EQ(store->manifest_signature(input.manifest).value(), ManifestSignature::Valid);
    ArrivalInput changed = input;
    changed.manifest = forged;
    auto refused = store->record_arrival(changed);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find("not what collection point cp-a signed"), std::string::npos)
        << refused.error().message;
    EXPECT_EQ(clinic_local("SELECT count(*) FROM clinic_arrival"), 0);
    ArrivalInput unsigned_copy = input;
    unsigned_copy.manifest.signature.clear();
    unsigned_copy.manifest.lines[0].quantity = 900;
    EXPECT_FALSE(store->record_arrival(unsigned_copy).ok())
        << "cp-a signs: an unsigned list from it is forged";
    auto taken = store->record_arrival(input);
    ASSERT_TRUE(taken.ok()) << taken.error().message;
    // A key the administrator cleared at the hub (fed as deleted) no longer vouches for anything.
    RawDb(clinic_file).exec("UPDATE hub_kiosk_key SET deleted = 1 WHERE key = 'cp-a'");
    EXPECT_EQ(store->manifest_signature(input.manifest).value(), ManifestSignature::KeyUnknown);
}

// A key row the device cannot read (a disk fault, an edit by hand) still says the hub holds a key for
// that collection point, so it signs every list: neither a forged unsigned list nor a signed one passes
// as unchecked, and the technician is told what to do. (The sync fetches the key again: clinic_feed_test.)
TEST_F(ClinicLedgerTest, ADamagedKeyRowRefusesItsCollectionPointsListsAndSaysWhatToDo) {
    const auto [key_file, input, forged] = signed_by_cp_a_and_forged();
    ASSERT_FALSE(input.manifest.signature.empty());
    const std::pair<std::string, std::string> damaged_rows[] = {
        {"'{\"kiosk_id\": \"cp-a\", \"public_key\": \"7f3a'", "it is not readable JSON"},
        {"json_object('kiosk_id', 'cp-a', 'public_key', '')", "its key is empty"},
        {"json_object('kiosk_id', 'cp-a')", "it holds no key"},
        {"json_object('kiosk_id', 'cp-a', 'public_key', 'not-a-key')", "its key is not 64 hex digits"}};
    for (const auto& [body, damage] : damaged_rows) {
        SCOPED_TRACE(body);
        RawDb(clinic_file)
            .exec("INSERT OR REPLACE INTO hub_kiosk_key (key, body, change_seq, deleted) VALUES ('cp-a', " +
                  body + ", 7, 0)");
        auto signature = store->manifest_signature(input.manifest);
        ASSERT_FALSE(signature.ok()) << "a damaged key row checked a list as "
                                     << static_cast<int>(signature.value());
        EXPECT_EQ(signature.error().code, ErrorCode::Corrupt);
        for (const char* words : {"collection point cp-a's signing key is damaged", damage.c_str(),
                                  "nothing was recorded", "sync this device with the hub"})
            EXPECT_NE(signature.error().message.find(words), std::string::npos) << signature.error().message;
        auto unsigned_list = store->record_arrival(forged);
        ASSERT_FALSE(unsigned_list.ok()) << "an unsigned list was taken although cp-a's key row exists";
        EXPECT_NE(unsigned_list.error().message.find(damage), std::string::npos)
            << unsigned_list.error().message;
        EXPECT_FALSE(store->record_arrival(input).ok());
        EXPECT_EQ(clinic_local("SELECT count(*) FROM clinic_arrival"), 0);
    }
    // The key as the hub feeds it again: the signed list checks and is taken.
    RawDb(clinic_file)
        .exec(
            "INSERT OR REPLACE INTO hub_kiosk_key (key, body, change_seq, deleted) VALUES ('cp-a', "
            "json_object('kiosk_id', 'cp-a', 'public_key', '" +
            kiosk_public_key(key_file).value() + "'), 8, 0)");
    EXPECT_EQ(store->manifest_signature(input.manifest).value(), ManifestSignature::Valid);
    auto taken = store->record_arrival(input);
    ASSERT_TRUE(taken.ok()) << taken.error().message;
}

// The sync writes a key row under the collection point's exact id with deleted 0 or 1. A row with
// another deleted value, or under the id with spaces or in capitals, was changed on this device: it must
// not make the point look keyless (an unsigned list would pass), and the technician is told which row.
TEST_F(ClinicLedgerTest, AKeyRowWithAnOddDeletedValueOrAMisspelledIdRefusesListsAndNamesTheRow) {
    const auto [key_file, input, forged] = signed_by_cp_a_and_forged();
    ASSERT_FALSE(input.manifest.signature.empty());
    const std::string body =
        "json_object('kiosk_id', 'cp-a', 'public_key', '" + kiosk_public_key(key_file).value() + "')";
    const std::pair<std::string, std::vector<std::string>> damaged_rows[] = {
        {"('cp-a', " + body + ", 7, 7)", {"has deleted = 7", "sync this device with the hub"}},
        {"('cp-a', " + body + ", 7, -1)", {"has deleted = -1", "sync this device with the hub"}},
        {"('cp-a ', " + body + ", 7, 0)",
         {"is stored under \"cp-a \"", "deletes the row whose key is \"cp-a \" from table hub_kiosk_key"}},
        {"('CP-A', " + body + ", 7, 0)",
         {"is stored under \"CP-A\"", "deletes the row whose key is \"CP-A\" from table hub_kiosk_key"}},
        {"(' Cp-A' || char(9), " + body + ", 7, 1)", {"deletes the row whose key is \" Cp-A\t\""}}};
    for (const auto& [row, words] : damaged_rows) {
        SCOPED_TRACE(row);
        RawDb(clinic_file).exec("DELETE FROM hub_kiosk_key");
        RawDb(clinic_file).exec("INSERT INTO hub_kiosk_key (key, body, change_seq, deleted) VALUES " + row);
        auto signature = store->manifest_signature(forged.manifest);
        ASSERT_FALSE(signature.ok()) << "an odd key row let a list pass as "
                                     << static_cast<int>(signature.value());
        EXPECT_EQ(signature.error().code, ErrorCode::Corrupt);
        EXPECT_NE(signature.error().message.find("collection point cp-a's signing key is damaged"),
                  std::string::npos)
            << signature.error().message;
        for (const auto& word : words)
            EXPECT_NE(signature.error().message.find(word), std::string::npos) << signature.error().message;
        auto unsigned_list = store->record_arrival(forged);
        ASSERT_FALSE(unsigned_list.ok()) << "an unsigned list was taken although cp-a's key row exists";
        EXPECT_FALSE(store->record_arrival(input).ok());
        EXPECT_EQ(clinic_local("SELECT count(*) FROM clinic_arrival"), 0);
    }
    // The key as the hub feeds it, and the hub's tombstone for a removed key, are no damage.
    RawDb(clinic_file).exec("DELETE FROM hub_kiosk_key");
    RawDb(clinic_file)
        .exec("INSERT INTO hub_kiosk_key (key, body, change_seq, deleted) VALUES ('cp-a', " + body +
              ", 8, 1)");
    EXPECT_EQ(store->manifest_signature(forged.manifest).value(), ManifestSignature::Unsigned);
    RawDb(clinic_file)
        .exec("INSERT OR REPLACE INTO hub_kiosk_key (key, body, change_seq, deleted) VALUES ('cp-a', " +
              body + ", 9, 0)");
    EXPECT_EQ(store->manifest_signature(input.manifest).value(), ManifestSignature::Valid);
    EXPECT_FALSE(store->record_arrival(forged).ok());
    auto taken = store->record_arrival(input);
    ASSERT_TRUE(taken.ok()) << taken.error().message;
}

TEST_F(ClinicLedgerTest, GivenOutAndDisposalsNeverExceedTheStockAndExpiredPacksNeverGoOut) {
    ArrivalInput input;
    input.manifest = sample_manifest(2);  // replaced below: the sample's lines and expiries vary
    input.manifest.lines = {{1, "06901234567892", "2027-01-31", "fever", 3},
                            {2, "8234567", "2027-06-30", "cough", 2}};
    input.user_id = nurse;
    const auto arrival = store->record_arrival(input).value();
    // By line, and one scanned pack: the line of that product expiring first.
    ASSERT_TRUE(store->give_out(arrival.uuid, 1, 2, nurse, "2026-12-10").ok());
    auto pack = store->give_out_pack("8234567", "", nurse, "2026-12-10");
    ASSERT_TRUE(pack.ok()) << pack.error().message;
    EXPECT_EQ(pack.value().line, 2);
    EXPECT_FALSE(store->give_out(arrival.uuid, 1, 2, nurse, "2026-12-10").ok());  // 1 left
    EXPECT_FALSE(store->give_out_pack("06900000000999", "", nurse, "2026-12-10").ok());
    // Thirty days before its expiry a line is flagged; after it, it is never given out.
    auto stock = store->stock("2027-01-10").value();
    ASSERT_EQ(stock.size(), 2u);
    EXPECT_TRUE(stock[0].expiring_soon);
    EXPECT_FALSE(stock[1].expiring_soon);
    auto expired_out = store->give_out(arrival.uuid, 1, 1, nurse, "2027-02-01");
    ASSERT_FALSE(expired_out.ok());
    EXPECT_NE(expired_out.error().message.find("expired"), std::string::npos);
    auto disposed = store->dispose_expired(nurse, "2027-02-01");
    ASSERT_TRUE(disposed.ok()) << disposed.error().message;
    ASSERT_EQ(disposed.value().size(), 1u);
    EXPECT_EQ(disposed.value()[0].quantity, 1);
    EXPECT_TRUE(store->dispose_expired(nurse, "2027-02-01").value().empty());
    EXPECT_FALSE(store->dispose(arrival.uuid, 2, 1, "lost", nurse, "2027-02-01").ok());
    ASSERT_TRUE(store->dispose(arrival.uuid, 2, 1, "damaged", nurse, "2027-02-01").ok());
    const auto totals = store->totals().value();
    EXPECT_EQ(totals.received, 5);
    EXPECT_EQ(totals.given_out, 3);
    EXPECT_EQ(totals.expired, 1);
    EXPECT_EQ(totals.damaged, 1);
    EXPECT_EQ(totals.on_hand, 0);
    EXPECT_TRUE(store->stock("2027-02-01").value().empty());
    // Every change is one outbox row and one audit row, nothing more.
    EXPECT_EQ(clinic_local("SELECT count(*) FROM outbox"), 1 + 2 + 1 + 1);
    EXPECT_EQ(clinic_local("SELECT count(*) FROM outbox WHERE entity = 'given_out'"), 2);
    EXPECT_EQ(clinic_local("SELECT count(*) FROM outbox WHERE entity = 'clinic_disposal'"), 2);
}

TEST_F(ClinicLedgerTest, AClinicDeviceNeverSharesALedgerWithACollectionPointOrAnotherClinic) {
    record(1);  // the collection point's ledger has a drop-off
    auto refused = ClinicStore::open(file, options, "shitang-vc");
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find("own data directory"), std::string::npos);
    store.reset();
    LedgerOptions clinic_options{"clinic-dev", dir.path() / "clinic" / "county.key", false};
    auto other = ClinicStore::open(clinic_file, clinic_options, "hexi-vc");
    ASSERT_FALSE(other.ok());
    EXPECT_NE(other.error().message.find("belongs to clinic shitang-vc"), std::string::npos);
    EXPECT_FALSE(ClinicStore::open(clinic_file, clinic_options, "").ok());
}

}  // namespace
}  // namespace medkiosk::storage
