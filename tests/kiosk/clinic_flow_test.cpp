// Clinic mode without a window (issue 17): the flow against a port that answers only what each test
// replies, then the real office on a real ledger — PIN of the clinic role, a manifest checked and its
// arrival recorded with counts, missing, damaged and extra packs, packs given out by line and by scan,
// stock with its 30-day warnings, expired packs to disposal.
#include "medkiosk/kiosk/clinic_flow.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "medkiosk/kiosk/users.hpp"
#include "medkiosk/scanner/parse.hpp"
#include "medkiosk/storage/clinic_list.hpp"
#include "medkiosk/storage/dispatch_book.hpp"
#include "support/temp_dir.hpp"

namespace medkiosk::kiosk {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

constexpr const char* kToday = "2026-12-02";

class FakeClinicOffice : public ClinicPort {
  public:
    std::uint64_t verify_pin(std::string pin) override {
        pins.push_back(std::move(pin));
        return ++tickets;
    }
    void sign_out() override { ++sign_outs; }
    std::uint64_t overview(std::string today) override {
        overviews.push_back(std::move(today));
        return ++tickets;
    }
    std::uint64_t check_manifest(storage::Manifest manifest) override {
        manifests.push_back(std::move(manifest));
        return ++tickets;
    }
    std::uint64_t record_arrival(storage::ArrivalInput input) override {
        arrivals.push_back(std::move(input));
        return ++tickets;
    }
    std::uint64_t give_out(std::string arrival_uuid, int line, int quantity, std::string) override {
        given.push_back({std::move(arrival_uuid), line, quantity});
        return ++tickets;
    }
    std::uint64_t give_out_pack(std::string product, std::string expiry, std::string) override {
        scanned_out.emplace_back(std::move(product), std::move(expiry));
        return ++tickets;
    }
    std::uint64_t dispose_expired(std::string) override {
        ++disposals;
        return ++tickets;
    }
    std::uint64_t product_names(std::string product) override {
        names_asked.push_back(std::move(product));
        return ++tickets;
    }
    std::uint64_t clinic_names() override {
        ++clinic_names_asked;
        return ++tickets;
    }
    std::vector<ClinicReply> take_replies() override { return {}; }

    struct Given {
        std::string arrival_uuid;
        int line = 0;
        int quantity = 0;
    };
    std::uint64_t tickets = 0;
    int sign_outs = 0;
    int disposals = 0;
    int clinic_names_asked = 0;
    std::vector<std::string> pins, overviews, names_asked;
    std::vector<storage::Manifest> manifests;
    std::vector<storage::ArrivalInput> arrivals;
    std::vector<Given> given;
    std::vector<std::pair<std::string, std::string>> scanned_out;
};

storage::Manifest manifest_for(const std::string& clinic_id) {
    storage::Manifest m;
    m.kiosk_id = "dongcheng-1";
    m.dispatch_uuid = "5f0c3b1e-8a4d-4c2e-9b7a-1d2e3f4a5b6c";
    m.clinic_id = clinic_id;
    m.dispatched_on = "2026-11-30";
    m.lines = {{1, "06900000000014", "2027-03-31", "fever", 3},
               {2, "06900000000069", "2027-06-30", "cough", 2}};
    return m;
}

scanner::ScanEvent scan(const std::string& text) {
    scanner::DecodedSymbol symbol;
    symbol.text = text;
    symbol.symbology = "]Q1";
    return {symbol, scanner::parse_scan(text, "]Q1", *scanner::parse_iso_date(kToday)), 1};
}

// A GS1 element string for one pack: GTIN, expiry, serial.
scanner::ScanEvent pack(const std::string& gtin, const std::string& yymmdd, const std::string& serial) {
    scanner::DecodedSymbol symbol;
    symbol.text = "01" + gtin + "17" + yymmdd + "21" + serial;
    symbol.symbology = "]d2";
    return {symbol, scanner::parse_scan(symbol.text, "]d2", *scanner::parse_iso_date(kToday)), 1};
}

class ClinicFlowTest : public ::testing::Test {
  protected:
    FakeClinicOffice office;
    ClinicFlow flow{office};
    Steady::time_point t0 = Steady::now();

    void sign_in() {
        flow.open_pin(t0);
        for (int digit : {1, 3, 5, 7}) flow.press_digit(digit, t0);
        flow.submit(t0);
        flow.on_reply({office.tickets, PinCheck{PinCheck::Outcome::Accepted, 5, 0s, ""}}, t0);
    }
    void read_manifest(const storage::Manifest& manifest,
                       storage::ManifestSignature signature = storage::ManifestSignature::Valid) {
        flow.on_scan(scan(storage::encode_manifest(manifest)), kToday, t0);
        ASSERT_FALSE(office.manifests.empty());
        ManifestCheck check;
        check.manifest = office.manifests.back();
        check.names = {{"对乙酰氨基酚片", "Paracetamol"}, {"右美沙芬糖浆", "Dextromethorphan"}};
        check.for_this_clinic = true;
        check.signature = signature;
        flow.on_reply({office.tickets, check}, t0);
    }
};

TEST_F(ClinicFlowTest, OnlyASignedInClinicUserReachesTheTasksAndIdleSignsOut) {
    flow.open_arrival(t0);
    EXPECT_EQ(flow.screen(), ClinicScreen::Welcome) << "no task before the PIN";
    flow.open_pin(t0);
    flow.press_digit(1, t0);
    flow.submit(t0);
    EXPECT_TRUE(office.pins.empty()) << "too short";
    for (int digit : {2, 3, 4}) flow.press_digit(digit, t0);
    flow.submit(t0);
    ASSERT_EQ(office.pins, std::vector<std::string>{"1234"});
    EXPECT_EQ(flow.pin_length(), 0u) << "the PIN is not kept";
    flow.on_reply({office.tickets, PinCheck{PinCheck::Outcome::LockedOut, 0, 30s, ""}}, t0);
    EXPECT_EQ(flow.screen(), ClinicScreen::Pin);
    EXPECT_TRUE(flow.locked(t0 + 10s));
    flow.press_digit(5, t0 + 10s);
    EXPECT_EQ(flow.pin_length(), 0u) << "the pad waits while locked";

    t0 += 31s;  // the lock has run out
    EXPECT_FALSE(flow.locked(t0));
    sign_in();
    EXPECT_EQ(flow.screen(), ClinicScreen::Home);
    flow.home(kToday, t0);
    EXPECT_EQ(office.overviews.back(), kToday);
    flow.tick(t0 + 179s);
    EXPECT_EQ(flow.screen(), ClinicScreen::Home);
    flow.tick(t0 + 181s);
    EXPECT_EQ(flow.screen(), ClinicScreen::Welcome) << "an unattended screen signs out";
    EXPECT_EQ(office.sign_outs, 1);
}

TEST_F(ClinicFlowTest, AForgedListIsRefusedAndOneNotYetCheckableIsTakenSayingSo) {
    sign_in();
    flow.open_arrival(t0);
    read_manifest(manifest_for("xinan-vc"), storage::ManifestSignature::Invalid);
    ASSERT_TRUE(flow.message().has_value());
    EXPECT_EQ(flow.message()->key, "clinic.manifest_forged");
    EXPECT_FALSE(flow.message()->ok);
    EXPECT_TRUE(flow.arrival_lines().empty()) << "nothing to confirm from a forged list";
    flow.confirm_arrival(t0);
    EXPECT_TRUE(office.arrivals.empty());

    storage::Manifest next = manifest_for("xinan-vc");
    next.dispatch_uuid = "5f0c3b1e-8a4d-4c2e-9b7a-1d2e3f4a5b6d";
    read_manifest(next, storage::ManifestSignature::KeyUnknown);
    EXPECT_EQ(flow.message()->key, "clinic.manifest_read_key_unknown");
    EXPECT_TRUE(flow.message()->ok);
    EXPECT_EQ(flow.arrival_lines().size(), 2u);
}

TEST_F(ClinicFlowTest, AnArrivalStartsAsListedAndScannedPacksCountInstead) {
    sign_in();
    flow.open_arrival(t0);
    flow.on_scan(pack("06900000000014", "270331", "S1"), kToday, t0);
    ASSERT_TRUE(flow.message().has_value());
    EXPECT_EQ(flow.message()->key, "clinic.scan_manifest_first");
    flow.on_scan(scan("MKD1|garbled"), kToday, t0);
    EXPECT_EQ(flow.message()->key, "clinic.manifest_unreadable");
    EXPECT_TRUE(office.manifests.empty()) << "a code that fails its checksum is never looked up";

    read_manifest(manifest_for("xinan-vc"));
    ASSERT_EQ(flow.arrival_lines().size(), 2u);
    EXPECT_EQ(flow.arrival_lines()[0].received, 3) << "as listed until packs are scanned";
    EXPECT_EQ(flow.arrival_lines()[0].names.name_en, "Paracetamol");
    EXPECT_FALSE(flow.counting_packs());
    flow.on_scan(scan(storage::encode_manifest(manifest_for("xinan-vc"))), kToday, t0);
    EXPECT_EQ(office.manifests.size(), 1u) << "the same manifest still in view is not asked again";

    // Packs scanned: every line counts from zero; one pack more than listed becomes an extra line.
    flow.on_scan(pack("06900000000014", "270331", "S1"), kToday, t0);
    EXPECT_TRUE(flow.counting_packs());
    EXPECT_EQ(flow.arrival_lines()[0].received, 1);
    EXPECT_EQ(flow.arrival_lines()[1].received, 0);
    flow.on_scan(pack("06900000000014", "270331", "S2"), kToday, t0);
    flow.on_scan(pack("06900000000014", "270331", "S3"), kToday, t0);
    flow.on_scan(pack("06900000000014", "270331", "S4"), kToday, t0);
    ASSERT_EQ(flow.arrival_lines().size(), 3u);
    EXPECT_EQ(flow.arrival_lines()[0].received, 3) << "never more than the line lists";
    EXPECT_TRUE(flow.arrival_lines()[2].extra);
    EXPECT_EQ(flow.arrival_lines()[2].received, 1);
    EXPECT_EQ(office.names_asked, std::vector<std::string>{"06900000000014"}) << "the extra's name is asked";
    flow.on_scan(pack("06900000000069", "270630", "T1"), kToday, t0);
    EXPECT_EQ(flow.arrival_lines()[1].received, 1);
    EXPECT_EQ(flow.arrival_lines()[1].missing(), 1);

    flow.set_damaged(1, 5, t0);
    EXPECT_EQ(flow.arrival_lines()[0].damaged, 3) << "never more damaged than received";
    flow.set_damaged(1, 1, t0);
    flow.set_received(2, 9, t0);
    EXPECT_EQ(flow.arrival_lines()[1].received, 2) << "a listed line holds at most its packs";
    flow.set_received(2, 1, t0);
    flow.set_received(3, 0, t0);
    EXPECT_EQ(flow.arrival_lines().size(), 2u) << "an extra line counted to nothing is gone";

    flow.confirm_arrival(t0);
    ASSERT_EQ(office.arrivals.size(), 1u);
    const auto& input = office.arrivals[0];
    EXPECT_EQ(input.manifest, manifest_for("xinan-vc"));
    ASSERT_EQ(input.counts.size(), 2u);
    EXPECT_EQ(input.counts[0].line, 1);
    EXPECT_EQ(input.counts[0].received, 3);
    EXPECT_EQ(input.counts[0].damaged, 1);
    EXPECT_EQ(input.counts[1].received, 1);
    EXPECT_TRUE(input.extras.empty());
    flow.confirm_arrival(t0);
    EXPECT_EQ(office.arrivals.size(), 1u) << "one at a time";

    storage::ArrivalRecord saved;
    saved.uuid = "arrival-1";
    saved.lines = {{1, "06900000000014", "2027-03-31", "fever", 3, 3, 1, false},
                   {2, "06900000000069", "2027-06-30", "cough", 2, 1, 0, false}};
    flow.on_reply({office.tickets, saved}, t0);
    ASSERT_TRUE(flow.message().has_value());
    EXPECT_TRUE(flow.message()->ok);
    EXPECT_EQ(flow.message()->key, "clinic.arrival_saved");
    EXPECT_EQ(flow.message()->values,
              (std::vector<std::pair<std::string, std::string>>{
                  {"received", "4"}, {"missing", "1"}, {"damaged", "1"}, {"extra", "0"}}));
    flow.confirm_arrival(t0);
    EXPECT_EQ(office.arrivals.size(), 1u) << "a confirmed arrival is not sent again";
}

TEST_F(ClinicFlowTest, AManifestForAnotherClinicOrAlreadyConfirmedIsSaidSo) {
    sign_in();
    flow.open_arrival(t0);
    flow.on_scan(scan(storage::encode_manifest(manifest_for("hexi-vc"))), kToday, t0);
    ManifestCheck other;
    other.manifest = office.manifests.back();
    other.for_this_clinic = false;
    flow.on_reply({office.tickets, other}, t0);
    EXPECT_FALSE(flow.manifest().has_value());
    EXPECT_EQ(flow.message()->key, "clinic.manifest_other_clinic");
    flow.confirm_arrival(t0);
    EXPECT_TRUE(office.arrivals.empty());

    flow.on_scan(scan(storage::encode_manifest(manifest_for("xinan-vc"))), kToday, t0);
    ManifestCheck before;
    before.manifest = office.manifests.back();
    before.already = storage::ArrivalRecord{};
    before.already->received_at = "2026-12-01T08:00:00Z";
    flow.on_reply({office.tickets, before}, t0);
    EXPECT_EQ(flow.message()->key, "clinic.arrival_already");
    EXPECT_EQ(flow.message()->values[0].second, "2026-12-01");
    flow.confirm_arrival(t0);
    EXPECT_TRUE(office.arrivals.empty()) << "confirmed once only";
}

TEST_F(ClinicFlowTest, GivingOutAndDisposalAskTheOfficeAndRefreshTheStock) {
    sign_in();
    flow.open_give_out(kToday, t0);
    ClinicOverview view;
    view.stock = {{"arrival-1", 1, "06900000000014", "", "", "2026-12-20", "fever", 3, 18, true, false},
                  {"arrival-1", 2, "06900000000069", "", "", "2026-11-30", "cough", 1, -2, false, true},
                  {"arrival-1", 3, "06900000000021", "", "", "2028-01-31", "fever", 2, 425, false, false}};
    flow.on_reply({office.tickets, view}, t0);
    EXPECT_EQ(flow.expiring_soon(), 1);
    EXPECT_EQ(flow.expired(), 1);

    flow.give_out("arrival-1", 1, 0, kToday, t0);
    EXPECT_TRUE(office.given.empty()) << "nothing to give out";
    flow.give_out("arrival-1", 1, 2, kToday, t0);
    ASSERT_EQ(office.given.size(), 1u);
    EXPECT_EQ(office.given[0].quantity, 2);
    const auto overviews = office.overviews.size();
    flow.on_reply({office.tickets, storage::StockOut{"out-1", "arrival-1", 1, "given_out", 2, kToday}}, t0);
    EXPECT_EQ(flow.message()->key, "clinic.given_out_saved");
    EXPECT_EQ(office.overviews.size(), overviews + 1) << "the stock is read again";

    // The delivery's manifest still in view is no pack: said so, nothing given out.
    flow.on_scan(scan(storage::encode_manifest(manifest_for("xinan-vc"))), kToday, t0);
    EXPECT_TRUE(office.scanned_out.empty());
    EXPECT_EQ(flow.message()->key, "clinic.manifest_on_give_out");
    flow.on_scan(pack("06900000000021", "280131", "X"), kToday, t0);
    ASSERT_EQ(office.scanned_out.size(), 1u);
    EXPECT_EQ(office.scanned_out[0], (std::pair<std::string, std::string>{"06900000000021", "2028-01-31"}));
    flow.on_reply({office.tickets, Error{ErrorCode::Invalid, "no packs of 06900000000021 on hand"}}, t0);
    EXPECT_FALSE(flow.message()->ok);
    EXPECT_EQ(flow.message()->detail, "no packs of 06900000000021 on hand");

    flow.dispose_expired(kToday, t0);
    EXPECT_EQ(office.disposals, 0) << "only from the stock screen";
    flow.open_stock(kToday, t0);
    flow.dispose_expired(kToday, t0);
    EXPECT_EQ(office.disposals, 1);
    flow.on_reply(
        {office.tickets, std::vector<storage::StockOut>{{"d-1", "arrival-1", 2, "expired", 1, kToday}}}, t0);
    EXPECT_EQ(flow.message()->key, "clinic.disposed_saved");
    EXPECT_EQ(flow.message()->values[0].second, "1");
}

// The real office on a real ledger.
class LocalClinicOfficeTest : public ::testing::Test {
  protected:
    test::TempDir dir;
    std::filesystem::path ledger_file = dir.path() / "ledger.db";
    std::filesystem::path pepper_file = dir.path() / "pin-pepper";
    storage::LedgerOptions ledger_options{"xinan-device", dir.path() / "county.key"};

    // The county's clinics as the hub feeds them (or the CSV import does offline).
    void import_county_clinics() {
        auto book = storage::DispatchBook::open(ledger_file, ledger_options);
        ASSERT_TRUE(book.ok()) << book.error().message;
        const std::vector<storage::Clinic> clinics = {{"xinan-vc",
                                                       "西南村卫生室",
                                                       "Xinan village clinic",
                                                       "village-clinic",
                                                       "西南镇",
                                                       "Xinan",
                                                       {},
                                                       {},
                                                       false},
                                                      {"hexi-vc",
                                                       "河西村卫生室",
                                                       "Hexi village clinic",
                                                       "village-clinic",
                                                       "河西镇",
                                                       "Hexi",
                                                       {},
                                                       {},
                                                       false}};
        ASSERT_TRUE(book.value()->import_clinics(clinics, "test").ok());
    }
    void add_users() {
        auto ledger = storage::Ledger::open(ledger_file, ledger_options);
        ASSERT_TRUE(ledger.ok()) << ledger.error().message;
        const std::string pepper = load_pepper(pepper_file, true).value();
        UserService users{*ledger.value(), pepper, PinCost::minimal()};
        ASSERT_TRUE(users.add_user("liu", "clinic", "1357", "test").ok());
        ASSERT_TRUE(users.add_user("wang", "staff", "2468", "test").ok());
    }
    std::unique_ptr<ClinicPort> office(const std::string& clinic_id = "xinan-vc") {
        LocalClinicOfficeOptions options;
        options.ledger_file = ledger_file;
        options.ledger_options = ledger_options;
        options.clinic_id = clinic_id;
        options.pepper_file = pepper_file;
        options.recorded = [this] { ++recorded; };
        return make_local_clinic_office(std::move(options));
    }
    static Result<ClinicAnswer> wait(ClinicPort& port, std::uint64_t ticket) {
        for (int i = 0; i < 2000; ++i) {
            for (auto& reply : port.take_replies())
                if (reply.ticket == ticket) return reply.result;
            std::this_thread::sleep_for(5ms);
        }
        ADD_FAILURE() << "no reply for ticket " << ticket;
        return Error{ErrorCode::Internal, "timeout"};
    }
    // The answer of type T, or nullptr (an error or another answer).
    template <typename T>
    static const T* answer(const Result<ClinicAnswer>& result) {
        return result ? std::get_if<T>(&result.value()) : nullptr;
    }
    static std::string message(const Result<ClinicAnswer>& result) {
        return result ? std::string("another answer") : result.error().message;
    }
    std::atomic<int> recorded = 0;
};

// kiosk.clinic_id must be one of the county's clinics: before the list arrives and with an unknown
// id, the clinic sign-in says what to fix and nothing opens.
TEST_F(LocalClinicOfficeTest, AClinicIdNotInTheCountysListIsRefusedWithWhatToFix) {
    add_users();
    {
        auto port = office();
        const auto reply = wait(*port, port->verify_pin("1357"));
        const auto* check = answer<PinCheck>(reply);
        ASSERT_NE(check, nullptr);
        EXPECT_EQ(check->outcome, PinCheck::Outcome::Unavailable);
        EXPECT_NE(check->message.find("clinic list has not arrived"), std::string::npos) << check->message;
        EXPECT_NE(check->message.find("medkioskctl dispatch clinics import"), std::string::npos);
    }
    import_county_clinics();
    auto port = office("xinan-cv");
    const auto reply = wait(*port, port->verify_pin("1357"));
    const auto* check = answer<PinCheck>(reply);
    ASSERT_NE(check, nullptr);
    EXPECT_EQ(check->outcome, PinCheck::Outcome::Unavailable);
    EXPECT_NE(check->message.find(
                  "kiosk.clinic_id \"xinan-cv\" is not one of the county's clinics (hexi-vc, xinan-vc)"),
              std::string::npos)
        << check->message;
    const auto refused = wait(*port, port->overview(kToday));
    ASSERT_FALSE(refused.ok());
    auto good = office("xinan-vc");
    const auto good_reply = wait(*good, good->verify_pin("1357"));
    const auto* accepted = answer<PinCheck>(good_reply);
    ASSERT_NE(accepted, nullptr);
    EXPECT_EQ(accepted->outcome, PinCheck::Outcome::Accepted) << accepted->message;
}

// The clinic-mode welcome said "This device serves clinic xinan-vc": the id, not the clinic. It names
// the clinic from the kiosk's clinic list in the screen's language, and falls back to the id only
// while the list does not know it.
TEST_F(LocalClinicOfficeTest, TheWelcomeNamesTheClinicFromTheListInTheScreensLanguage) {
    const auto answered = [](ClinicPort& port, ClinicFlow& flow) {
        for (int i = 0; i < 2000 && !flow.clinic_names(); ++i) {
            for (auto& reply : port.take_replies()) flow.on_reply(reply, Steady::now());
            std::this_thread::sleep_for(5ms);
        }
        return flow.clinic_names().has_value();
    };
    {
        auto port = office("xinan-vc");
        ClinicFlow flow(*port);
        EXPECT_EQ(flow.clinic_name(Language::Chinese, "xinan-vc"), "xinan-vc") << "before the answer: the id";
        ASSERT_TRUE(answered(*port, flow));
        EXPECT_EQ(flow.clinic_name(Language::English, "xinan-vc"), "xinan-vc") << "no list yet: the id";
    }
    import_county_clinics();
    auto port = office("xinan-vc");
    ClinicFlow flow(*port);
    ASSERT_TRUE(answered(*port, flow));
    EXPECT_EQ(flow.clinic_name(Language::Chinese, "xinan-vc"), "西南村卫生室");
    EXPECT_EQ(flow.clinic_name(Language::English, "xinan-vc"), "Xinan village clinic");

    // Renamed in the list (here by the technician's list, as a hub rename would): the next welcome.
    auto ledger = storage::Ledger::open(ledger_file, ledger_options);
    ASSERT_TRUE(ledger.ok()) << ledger.error().message;
    storage::ClinicChoice local;
    local.clinic_id = "dongpo-vc";
    local.name_zh = "东坡村卫生室";
    local.kind = "village-clinic";
    local.township_zh = "东坡镇";
    local.township_en = "Dongpo";
    ASSERT_TRUE(storage::add_local_clinic(*ledger.value(), local, "test").ok());
    auto dongpo_port = office("dongpo-vc");
    ClinicFlow dongpo(*dongpo_port);
    ASSERT_TRUE(answered(*dongpo_port, dongpo));
    EXPECT_EQ(dongpo.clinic_name(Language::English, "dongpo-vc"), "东坡村卫生室")
        << "a clinic named in one language only shows that name";
    ASSERT_TRUE(
        storage::rename_clinic(*ledger.value(), "dongpo-vc", "东坡村卫生室", "Dongpo clinic", "test").ok());
    dongpo.sign_out();
    for (int i = 0; i < 2000 && dongpo.clinic_name(Language::English, "dongpo-vc") != "Dongpo clinic"; ++i) {
        for (auto& reply : dongpo_port->take_replies()) dongpo.on_reply(reply, Steady::now());
        std::this_thread::sleep_for(5ms);
    }
    EXPECT_EQ(dongpo.clinic_name(Language::English, "dongpo-vc"), "Dongpo clinic");
}

// What a nurse tapped just before the device stops is stored: the office finishes its queue first.
TEST_F(LocalClinicOfficeTest, WorkHandedOverAsTheDeviceStopsIsStored) {
    add_users();
    import_county_clinics();
    storage::Manifest manifest = manifest_for("xinan-vc");
    manifest.lines = {{1, "06900000000014", "2027-03-31", "fever", 12}};
    storage::ArrivalInput input;
    input.manifest = manifest;
    input.counts = {{1, 12, 0}};
    std::string arrival;
    {
        auto port = office();
        ASSERT_EQ(answer<PinCheck>(wait(*port, port->verify_pin("1357")))->outcome,
                  PinCheck::Outcome::Accepted);
        auto arrived = wait(*port, port->record_arrival(input));
        ASSERT_NE(answer<storage::ArrivalRecord>(arrived), nullptr) << message(arrived);
        arrival = std::get<storage::ArrivalRecord>(arrived.value()).uuid;
        for (int i = 0; i < 12; ++i) port->give_out(arrival, 1, 1, kToday);
    }  // stopped at once, with the give-outs still queued
    auto port = office();
    ASSERT_EQ(answer<PinCheck>(wait(*port, port->verify_pin("1357")))->outcome, PinCheck::Outcome::Accepted);
    const auto view = std::get<ClinicOverview>(wait(*port, port->overview(kToday)).value());
    EXPECT_EQ(view.totals.given_out, 12) << "give-outs tapped before the stop were lost";
    EXPECT_EQ(view.totals.on_hand, 0);
}

TEST_F(LocalClinicOfficeTest, ArrivalGivenOutStockAndDisposalGoThroughTheLedger) {
    add_users();
    import_county_clinics();
    auto port = office();
    const auto refused_reply = wait(*port, port->dispose_expired(kToday));
    ASSERT_FALSE(refused_reply.ok()) << "nobody signed in";
    EXPECT_NE(refused_reply.error().message.find("nobody is signed in"), std::string::npos)
        << refused_reply.error().message;
    const auto staff_reply = wait(*port, port->verify_pin("2468"));
    const auto* staff_pin = answer<PinCheck>(staff_reply);
    ASSERT_NE(staff_pin, nullptr);
    EXPECT_NE(staff_pin->outcome, PinCheck::Outcome::Accepted) << "a staff PIN does not open clinic mode";
    const auto pin_reply = wait(*port, port->verify_pin("1357"));
    const auto* pin = answer<PinCheck>(pin_reply);
    ASSERT_NE(pin, nullptr);
    ASSERT_EQ(pin->outcome, PinCheck::Outcome::Accepted) << pin->message;

    // Line 1 expires within 30 days of today; line 2 is already past.
    storage::Manifest manifest = manifest_for("xinan-vc");
    manifest.lines[0].expiry = "2026-12-20";
    manifest.lines[1].expiry = "2026-11-30";
    auto checked = wait(*port, port->check_manifest(manifest));
    ASSERT_NE(answer<ManifestCheck>(checked), nullptr);
    EXPECT_TRUE(std::get<ManifestCheck>(checked.value()).for_this_clinic);
    EXPECT_FALSE(std::get<ManifestCheck>(checked.value()).already.has_value());
    EXPECT_FALSE(std::get<ManifestCheck>(wait(*port, port->check_manifest(manifest_for("hexi-vc"))).value())
                     .for_this_clinic);

    storage::ArrivalInput input;
    input.manifest = manifest;
    input.counts = {{1, 3, 1}, {2, 2, 0}};  // one of line 1 damaged
    input.extras = {{"06900000000021", "2028-01-31", "", 1, 0}};
    auto arrived = wait(*port, port->record_arrival(input));
    ASSERT_NE(answer<storage::ArrivalRecord>(arrived), nullptr) << message(arrived);
    const std::string arrival = std::get<storage::ArrivalRecord>(arrived.value()).uuid;
    EXPECT_FALSE(wait(*port, port->record_arrival(input)).ok()) << "a manifest arrives once";
    EXPECT_TRUE(
        std::get<ManifestCheck>(wait(*port, port->check_manifest(manifest)).value()).already.has_value());

    auto view = std::get<ClinicOverview>(wait(*port, port->overview(kToday)).value());
    ASSERT_EQ(view.stock.size(), 3u);
    EXPECT_EQ(view.stock[0].expiry, "2026-11-30");
    EXPECT_TRUE(view.stock[0].expired);
    EXPECT_EQ(view.stock[1].on_hand, 2) << "received 3, one damaged";
    EXPECT_TRUE(view.stock[1].expiring_soon);
    EXPECT_FALSE(view.stock[2].expiring_soon);
    EXPECT_EQ(view.totals.on_hand, 5);

    auto too_many = wait(*port, port->give_out(arrival, 1, 3, kToday));
    ASSERT_FALSE(too_many.ok()) << "only 2 on hand";
    auto out = wait(*port, port->give_out(arrival, 1, 2, kToday));
    ASSERT_NE(answer<storage::StockOut>(out), nullptr) << message(out);
    auto expired_pack = wait(*port, port->give_out_pack("06900000000069", "2026-11-30", kToday));
    ASSERT_FALSE(expired_pack.ok()) << "an expired pack is never given out";
    auto scanned = wait(*port, port->give_out_pack("06900000000021", "", kToday));
    ASSERT_NE(answer<storage::StockOut>(scanned), nullptr) << message(scanned);
    auto disposed = wait(*port, port->dispose_expired(kToday));
    ASSERT_NE(answer<std::vector<storage::StockOut>>(disposed), nullptr);
    EXPECT_EQ(std::get<std::vector<storage::StockOut>>(disposed.value()).size(), 1u);

    view = std::get<ClinicOverview>(wait(*port, port->overview(kToday)).value());
    EXPECT_TRUE(view.stock.empty());
    EXPECT_EQ(view.totals.given_out, 3);
    EXPECT_EQ(view.totals.expired, 2);
    EXPECT_EQ(view.totals.on_hand, 0);
    EXPECT_EQ(recorded.load(), 4) << "the sync is woken after each record";
}

}  // namespace
}  // namespace medkiosk::kiosk
