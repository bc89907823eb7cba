// medkioskctl users: staff and technician accounts. PINs are read from stdin (no echo on a terminal),
// never from the command line, where `ps` and the shell history would show them.

#include <ostream>

#include "ledger_cli.hpp"
#include "medkiosk/kiosk/users.hpp"

namespace medkiosk::cli {
namespace {

constexpr std::string_view kUsage = R"(usage: medkioskctl users COMMAND [--data-dir DIR] [--pepper-file FILE]

Commands:
  add LOGIN --role staff|technician|clinic
                                      new user; the PIN (4-12 digits) is read from stdin
                                      (clinic: the staff of a clinic-mode kiosk)
  list [--json]                       users, roles, failed attempts, lock state (no PIN hashes)
  unlock LOGIN [--by TECHNICIAN]      clear failures and the lock, and the wait of the user's role's PIN
                                      pad; with --by, that technician's PIN is read from stdin and
                                      checked first
  reset-pin LOGIN                     new PIN from stdin; also unlocks

PINs are hashed with argon2id over BLAKE2b(PIN) keyed with a pepper kept outside the database, in
--pepper-file, $MEDKIOSK_PEPPER_FILE, or DIR.pin-pepper beside the data directory (created on first
use, mode 0600). Back the pepper up apart from the ledger: without it no PIN can be checked.
)";

int fail(CommandIo io, const std::string& message) {
    io.err << "medkioskctl users: " << message << '\n';
    return 1;
}

}  // namespace

int run_users(const Args& args, CommandIo io) {
    ledger_cli::CommonOptions options;
    if (auto error = ledger_cli::parse(args, {"--role", "--by"}, {}, options)) {
        io.err << "medkioskctl users: " << *error << "\n\n" << kUsage;
        return 2;
    }
    if (options.help) {
        io.out << kUsage;
        return 0;
    }
    const auto& words = options.positional;
    const std::string command = words.empty() ? "" : words.front();
    const bool needs_login = command == "add" || command == "unlock" || command == "reset-pin";
    if ((command != "list" && !needs_login) || (needs_login && words.size() != 2) ||
        (command == "list" && words.size() != 1)) {
        io.err << "medkioskctl users: which command? add LOGIN, list, unlock LOGIN or reset-pin LOGIN\n\n"
               << kUsage;
        return 2;
    }
    const std::string login = needs_login ? words[1] : "";
    if (command == "add") {
        const auto role = ledger_cli::named(options, "--role");
        if (!role || (*role != "staff" && *role != "technician" && *role != "clinic")) {
            io.err << "medkioskctl users: add needs --role staff, technician or clinic\n";
            return 2;
        }
    }

    auto opened =
        command == "list" ? ledger_cli::open_read_only(options) : ledger_cli::open_writable(options);
    if (!opened) return fail(io, opened.error().message);
    storage::Ledger& ledger = *opened.value();

    if (command == "list") {
        auto users = ledger.users().list();
        if (!users) return fail(io, users.error().message);
        for (const auto& user : users.value()) {
            if (options.json) {
                io.out << ledger_cli::dump({{"login", user.login},
                                            {"role", user.role},
                                            {"failed_attempts", user.failed_attempts},
                                            {"locked", user.locked},
                                            {"created_at", user.created_at}})
                       << '\n';
            } else {
                io.out << user.login << "  " << user.role << "  failed " << user.failed_attempts
                       << (user.locked ? "  LOCKED" : "") << '\n';
            }
        }
        if (!options.json && users.value().empty()) io.out << "no users\n";
        return 0;
    }

    auto pepper =
        kiosk::load_pepper(ledger_cli::pepper_file(options), command == "add" || command == "reset-pin",
                           ledger_cli::data_dir(options));
    if (!pepper) return fail(io, pepper.error().message);
    kiosk::UserService service(ledger, pepper.value());

    if (command == "add" || command == "reset-pin") {
        auto pin = ledger_cli::read_secret(io, "PIN for " + login + ": ");
        if (!pin) return fail(io, "no PIN on stdin");
        if (!kiosk::UserService::pin_is_acceptable(*pin)) return fail(io, "a PIN is 4 to 12 digits");
        if (command == "add") {
            auto added = service.add_user(login, *ledger_cli::named(options, "--role"), *pin, "medkioskctl");
            if (!added) return fail(io, added.error().message);
            io.out << "added " << added.value().role << " '" << login << "'\n";
        } else {
            if (auto s = service.reset_pin(login, *pin, "medkioskctl"); !s)
                return fail(io, s.error().message);
            io.out << "PIN of '" << login << "' changed; the account is unlocked\n";
        }
        return 0;
    }

    // unlock
    if (auto technician = ledger_cli::named(options, "--by")) {
        auto pin = ledger_cli::read_secret(io, "PIN of technician " + *technician + ": ");
        if (!pin) return fail(io, "no technician PIN on stdin");
        auto result = service.unlock(login, *technician, *pin);
        if (!result) return fail(io, result.error().message);
        if (result.value().outcome != kiosk::SignInOutcome::Ok) return fail(io, result.value().message);
    } else if (auto s = service.unlock_as_administrator(login, "medkioskctl"); !s) {
        return fail(io, s.error().message);
    }
    io.out << "'" << login << "' unlocked\n";
    return 0;
}

}  // namespace medkiosk::cli
