// medkioskctl hub: the county administrator's side — create the hub schema, register kiosks, import
// offline bundles.

#include <sodium.h>

#include <ostream>

#include "hub_county_command.hpp"
#include "hub_options.hpp"
#include "medkiosk/cli/commands.hpp"
#include "medkiosk/storage/bundle.hpp"
#include "medkiosk/storage/sync.hpp"

namespace medkiosk::cli {
namespace {

namespace storage = medkiosk::storage;

constexpr std::string_view kUsage = R"(usage: medkioskctl hub COMMAND [--hub CONNINFO]

Commands:
  init                      create or update the hub schema (roles, tables, functions, report views)
  add-kiosk ID [--password PW] [--public-key HEX] [--print-sql]
                            create kiosk ID's login role (password generated when not given; it is
                            printed once). --print-sql prints the SQL for psql instead of running it.
  import FILE               verify an offline bundle's signature against the kiosk's registered key
                            and load its records; importing the same bundle again changes nothing

CONNINFO is a libpq connection string or URI for a hub administrator (default $MEDKIOSK_HUB_URL),
e.g. "postgresql://admin@hub.example/medkiosk?sslmode=verify-full&sslrootcert=/etc/medkiosk/hub-ca.crt".
)";

std::string generated_password() {
    unsigned char bytes[18];
    randombytes_buf(bytes, sizeof bytes);
    char text[sodium_base64_ENCODED_LEN(sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    sodium_bin2base64(text, sizeof text, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return text;
}

int fail(CommandIo io, const std::string& message) {
    io.err << "medkioskctl hub: " << message << '\n';
    return 1;
}

}  // namespace

int run_hub(const Args& args, CommandIo io) {
    const auto options = detail::parse_options(
        args,
        {"--hub", "--password", "--public-key", "--clinic", "--category", "--quantity", "--needed-by",
         "--note", "--lat", "--lon", "--margin-days", "--fefo", "--as-of"},
        {"--help", "-h", "--print-sql", "--yes", "--dry-run", "--json", "--all"});
    if (!options.error.empty()) {
        io.err << "medkioskctl hub: " << options.error << "\n\n" << kUsage;
        return 2;
    }
    if (options.has("--help") || options.has("-h")) {
        io.out << kUsage << '\n' << detail::kHubCountyUsage;
        return 0;
    }
    if (options.positional.empty()) {
        io.err << "medkioskctl hub: which command? init, add-kiosk, import, or a county command (--help "
                  "lists them)\n\n"
               << kUsage;
        return 2;
    }
    if (sodium_init() < 0) return fail(io, "libsodium failed to initialise");
    const std::string& command = options.positional.front();
    if (detail::is_hub_county_command(command)) return detail::run_hub_county(options, io);
    const std::size_t expected_arguments = command == "init" ? 1 : 2;
    if ((command != "init" && command != "add-kiosk" && command != "import") ||
        options.positional.size() != expected_arguments) {
        io.err << "medkioskctl hub: '" << command << "' with " << options.positional.size() - 1
               << " argument(s) is not a hub command\n\n"
               << kUsage;
        return 2;
    }

    if (command == "add-kiosk" && options.has("--print-sql")) {
        const std::string password = options.value("--password", generated_password());
        io.out << storage::add_kiosk_sql(options.positional[1], password, options.value("--public-key"));
        if (options.value("--password").empty()) io.err << "kiosk password: " << password << '\n';
        return 0;
    }

    auto session = storage::HubSession::connect(detail::hub_conninfo(options));
    if (!session) return fail(io, session.error().message);
    auto& hub = *session.value();

    if (command == "init") {
        if (auto s = storage::init_hub(hub); !s) return fail(io, s.error().message);
        io.out << "hub schema is up to date on " << hub.describe() << '\n';
        return 0;
    }
    if (command == "add-kiosk") {
        const bool generated = options.value("--password").empty();
        const std::string password = generated ? generated_password() : options.value("--password");
        auto role = storage::add_kiosk(hub, options.positional[1], password, options.value("--public-key"));
        if (!role) return fail(io, role.error().message);
        io.out << "kiosk " << options.positional[1] << ": role " << role.value() << '\n';
        if (generated)
            io.out << "password: " << password << "  (shown once; put it in the kiosk's hub URL)\n";
        return 0;
    }
    auto imported = storage::import_bundle(hub, options.positional[1]);
    if (!imported) return fail(io, imported.error().message);
    const auto& r = imported.value();
    io.out << "bundle from kiosk " << r.kiosk_id << ": " << r.inserted << " inserted, " << r.duplicates
           << " duplicate, " << r.mismatches << " mismatch, " << r.invalid << " invalid\n";
    return r.mismatches + r.invalid > 0 ? 1 : 0;
}

}  // namespace medkiosk::cli
