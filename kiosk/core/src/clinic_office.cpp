#include "medkiosk/kiosk/clinic_office.hpp"

#include "medkiosk/kiosk/users.hpp"
#include "medkiosk/storage/clinic_list.hpp"
#include "medkiosk/storage/dispatch_book.hpp"

namespace medkiosk::kiosk {
namespace {

using Answer = Result<ClinicAnswer>;

constexpr const char* kNobodySignedIn = "sign in again: nobody is signed in — nothing was recorded";

Error nobody_signed_in() {
    return Error{ErrorCode::Unavailable, kNobodySignedIn};
}

class LocalClinicOffice final : public ClinicPort {
  public:
    explicit LocalClinicOffice(LocalClinicOfficeOptions options) : options_(std::move(options)) {}
    ~LocalClinicOffice() override { jobs_.stop(); }

    std::uint64_t verify_pin(std::string pin) override {
        return jobs_.submit([this, pin = std::move(pin)]() -> Answer { return check_pin(pin); });
    }
    void sign_out() override {
        jobs_.post([this] { user_.reset(); });
    }
    std::uint64_t overview(std::string today) override {
        return jobs_.submit([this, today = std::move(today)]() -> Answer {
            auto clinic = store();
            if (!clinic) return clinic.error();
            ClinicOverview view;
            auto stock = clinic.value()->stock(today);
            if (!stock) return stock.error();
            view.stock = std::move(stock).value();
            auto totals = clinic.value()->totals();
            if (!totals) return totals.error();
            view.totals = totals.value();
            auto arrivals = clinic.value()->arrivals(20);
            if (!arrivals) return arrivals.error();
            view.arrivals = std::move(arrivals).value();
            return view;
        });
    }
    std::uint64_t check_manifest(storage::Manifest manifest) override {
        return jobs_.submit([this, manifest = std::move(manifest)]() -> Answer {
            auto clinic = store();
            if (!clinic) return clinic.error();
            ManifestCheck check;
            check.manifest = manifest;
            check.for_this_clinic = manifest.clinic_id == options_.clinic_id || manifest.clinic_id == "other";
            auto already = clinic.value()->arrival_for(manifest.kiosk_id, manifest.dispatch_uuid);
            if (!already) return already.error();
            check.already = already.value();
            auto signature = clinic.value()->manifest_signature(manifest);
            if (!signature) return signature.error();
            check.signature = signature.value();
            for (const auto& line : manifest.lines) check.names.push_back(names_of(line.product));
            return check;
        });
    }
    std::uint64_t record_arrival(storage::ArrivalInput input) override {
        return jobs_.submit([this, input = std::move(input)]() mutable -> Answer {
            auto clinic = store();
            if (!clinic) return clinic.error();
            if (!user_) return nobody_signed_in();
            input.user_id = user_->id;
            auto recorded = clinic.value()->record_arrival(input);
            if (!recorded) return recorded.error();
            changed();
            return std::move(recorded).value();
        });
    }
    std::uint64_t give_out(std::string arrival_uuid, int line, int quantity, std::string today) override {
        return jobs_.submit([=, this]() -> Answer {
            return one_out([&](storage::ClinicStore& c, std::int64_t user) {
                return c.give_out(arrival_uuid, line, quantity, user, today);
            });
        });
    }
    std::uint64_t give_out_pack(std::string product, std::string expiry, std::string today) override {
        return jobs_.submit([=, this]() -> Answer {
            return one_out([&](storage::ClinicStore& c, std::int64_t user) {
                return c.give_out_pack(product, expiry, user, today);
            });
        });
    }
    std::uint64_t dispose_expired(std::string today) override {
        return jobs_.submit([this, today = std::move(today)]() -> Answer {
            auto clinic = store();
            if (!clinic) return clinic.error();
            if (!user_) return nobody_signed_in();
            auto outs = clinic.value()->dispose_expired(user_->id, today);
            if (!outs) return outs.error();
            changed();
            return std::move(outs).value();
        });
    }
    std::uint64_t product_names(std::string product) override {
        return jobs_.submit([this, product = std::move(product)]() -> Answer {
            auto clinic = store();
            if (!clinic) return clinic.error();
            return names_of(product);
        });
    }
    std::uint64_t clinic_names() override {
        return jobs_.submit([this]() -> Answer {
            if (!ledger_) {
                auto ledger = storage::Ledger::open(options_.ledger_file, options_.ledger_options);
                if (!ledger)
                    return Error{ledger.error().code, "cannot open the ledger: " + ledger.error().message};
                ledger_ = std::move(ledger).value();
            }
            auto list = storage::read_clinic_list(*ledger_);
            if (!list) return list.error();
            ClinicNames names{options_.clinic_id, {}, {}};
            for (const auto& clinic : list.value().clinics) {
                if (clinic.clinic_id != options_.clinic_id) continue;
                names.name_zh = clinic.name_zh;
                names.name_en = clinic.name_en;
            }
            return names;
        });
    }
    std::vector<ClinicReply> take_replies() override { return jobs_.take_replies(); }

  private:
    // The ledger (users, catalogue) and the clinic's store, opened on first use on this thread.
    Result<storage::ClinicStore*> store() {
        if (!clinic_) {
            auto ledger = storage::Ledger::open(options_.ledger_file, options_.ledger_options);
            if (!ledger)
                return Error{ledger.error().code, "cannot open the ledger: " + ledger.error().message};
            if (auto known = check_clinic_is_known(); !known) return known.error();
            auto clinic =
                storage::ClinicStore::open(options_.ledger_file, options_.ledger_options, options_.clinic_id);
            if (!clinic) return clinic.error();
            ledger_ = std::move(ledger).value();
            clinic_ = std::move(clinic).value();
        }
        return clinic_.get();
    }

    // kiosk.clinic_id must name one of the county's clinics as fed from the hub: a typo would record
    // arrivals no dispatch can match and stock the bureau never sees.
    Result<void> check_clinic_is_known() {
        auto book = storage::DispatchBook::open(options_.ledger_file, options_.ledger_options);
        if (!book) return Error{book.error().code, "cannot read the clinic list: " + book.error().message};
        auto clinics = book.value()->clinics();
        if (!clinics)
            return Error{clinics.error().code, "cannot read the clinic list: " + clinics.error().message};
        if (clinics.value().empty())
            return Error{
                ErrorCode::Unavailable,
                "the county's clinic list has not arrived yet: connect the kiosk to the hub "
                "(kiosk.hub_url) or run `medkioskctl dispatch clinics import FILE` with the hub's CSV"};
        for (const auto& clinic : clinics.value())
            if (clinic.clinic_id == options_.clinic_id) return {};
        std::string known;
        for (const auto& clinic : clinics.value()) known += (known.empty() ? "" : ", ") + clinic.clinic_id;
        return Error{ErrorCode::Invalid, "kiosk.clinic_id \"" + options_.clinic_id +
                                             "\" is not one of the county's clinics (" + known +
                                             "): fix it in kiosk.toml and restart the kiosk"};
    }

    PinCheck check_pin(const std::string& pin) {
        user_.reset();
        auto clinic = store();
        const auto unavailable = [](std::string message) {
            return PinCheck{PinCheck::Outcome::Unavailable, 0, std::chrono::seconds(0), std::move(message)};
        };
        if (!clinic) return unavailable(clinic.error().message);
        auto users = ledger_->users().list();
        if (!users) return unavailable("cannot read the users: " + users.error().message);
        std::vector<storage::UserRecord> candidates;
        for (const auto& user : users.value())
            if (user.role == "clinic" && !storage::is_disabled(user)) candidates.push_back(user);
        if (candidates.empty())
            return unavailable(
                "no clinic user exists: add one with `medkioskctl users add LOGIN --role clinic`");
        if (!pepper_) {
            const auto file = options_.pepper_file.empty()
                                  ? default_pepper_file(options_.ledger_file.parent_path())
                                  : options_.pepper_file;
            auto loaded = load_pepper(file, false);
            if (!loaded) return unavailable(loaded.error().message);
            pepper_ = std::move(loaded).value();
        }
        const PinSignIn result = sign_in_by_pin(*ledger_, *pepper_, "clinic", candidates, pin);
        user_ = result.user;
        return result.check;
    }

    template <typename Take>
    Answer one_out(Take&& take) {
        auto clinic = store();
        if (!clinic) return clinic.error();
        if (!user_) return nobody_signed_in();
        auto out = take(*clinic.value(), user_->id);
        if (!out) return out.error();
        changed();
        return std::move(out).value();
    }

    ProductNames names_of(const std::string& product) {
        auto entry = ledger_->reference().find_product(product);
        if (!entry || !entry.value()) return {};
        return {entry.value()->name_zh, entry.value()->name_en};
    }

    void changed() {
        if (options_.recorded) options_.recorded();
    }

    LocalClinicOfficeOptions options_;
    std::unique_ptr<storage::Ledger> ledger_;
    std::unique_ptr<storage::ClinicStore> clinic_;
    std::optional<std::string> pepper_;
    std::optional<storage::UserRecord> user_;  // signed in; touched on the worker's thread only
    // Last: stopped first. It stores what it was given before stopping (an arrival or a give-out
    // tapped just before the device stops); every job is a short ledger transaction.
    JobQueue<ClinicAnswer> jobs_{"clinic-office", JobThread::OnStop::Drain};
};

}  // namespace

std::unique_ptr<ClinicPort> make_local_clinic_office(LocalClinicOfficeOptions options) {
    return std::make_unique<LocalClinicOffice>(std::move(options));
}

}  // namespace medkiosk::kiosk
