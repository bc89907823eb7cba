// The hub address's password never shown (kiosk/core conninfo_mask): libpq URIs and key=value strings,
// including percent-encoded and quoted passwords, whole or inside a sentence.
#include "medkiosk/kiosk/conninfo_mask.hpp"

#include <gtest/gtest.h>

namespace medkiosk::kiosk {
namespace {

TEST(ConninfoMask, MasksTheUriPassword) {
    EXPECT_EQ(mask_conninfo_password("postgresql://kiosk:secret@hub.example/county"),
              "postgresql://kiosk:••••@hub.example/county");
    EXPECT_EQ(mask_conninfo_password("postgres://kiosk:secret@10.0.0.5:5432/county?sslmode=require"),
              "postgres://kiosk:••••@10.0.0.5:5432/county?sslmode=require");
    // Percent-encoded: "p@ss w/rd" and a colon inside the password.
    EXPECT_EQ(mask_conninfo_password("postgresql://kiosk:p%40ss%20w%2Frd:x@hub/county"),
              "postgresql://kiosk:••••@hub/county");
    // A raw '@' in the password (libpq would refuse it): everything before the last '@' is masked.
    EXPECT_EQ(mask_conninfo_password("postgresql://kiosk:p@ss@hub/county"),
              "postgresql://kiosk:••••@hub/county");
    // The scheme in capitals, and a password as a query parameter.
    EXPECT_EQ(mask_conninfo_password("POSTGRESQL://kiosk@hub/county?password=secret&sslmode=verify-full"),
              "POSTGRESQL://kiosk@hub/county?password=••••&sslmode=verify-full");
}

TEST(ConninfoMask, LeavesAUriWithoutPasswordAsItIs) {
    for (const char* address :
         {"postgresql://kiosk@127.0.0.1:1/hub", "postgresql://hub/county",
          "postgresql:///county?host=/run/postgresql", "postgresql://kiosk:@hub/db", ""}) {
        EXPECT_EQ(mask_conninfo_password(address), address);
    }
}

TEST(ConninfoMask, MasksTheKeywordValue) {
    EXPECT_EQ(mask_conninfo_password("host=hub dbname=county user=kiosk password=secret sslmode=require"),
              "host=hub dbname=county user=kiosk password=•••• sslmode=require");
    // Spaces around '=', a quoted value with spaces, an escaped quote and backslash inside it.
    EXPECT_EQ(mask_conninfo_password("host=hub password = 'two words' user=kiosk"),
              "host=hub password = •••• user=kiosk");
    EXPECT_EQ(mask_conninfo_password(R"(password='it\'s a \\ secret' host=hub)"), "password=•••• host=hub");
    EXPECT_EQ(mask_conninfo_password(R"(password=back\ slashed host=hub)"), "password=•••• host=hub");
    // An unterminated quote: the rest is masked.
    EXPECT_EQ(mask_conninfo_password("host=hub password='never closed"), "host=hub password=••••");
    // Other keywords that merely contain the word are not passwords (passfile is a path).
    EXPECT_EQ(mask_conninfo_password("passfile=/etc/medkiosk/pgpass host=hub"),
              "passfile=/etc/medkiosk/pgpass host=hub");
    EXPECT_EQ(mask_conninfo_password("host=hub user=kiosk"), "host=hub user=kiosk");
}

TEST(ConninfoMask, MasksAnAddressInsideAMessage) {
    EXPECT_EQ(mask_conninfo_password("cannot reach postgresql://kiosk:secret@hub/county: connection refused"),
              "cannot reach postgresql://kiosk:••••@hub/county: connection refused");
    EXPECT_EQ(mask_conninfo_password("hub.url = \"host=hub password=secret\""),
              "hub.url = \"host=hub password=••••\"");
}

// Passwords libpq takes as they are in a URI, though they hold a space, a quote, '/', '?' or '#'
// (the red team's F3): masked up to the last '@', whole or inside a sentence.
TEST(ConninfoMask, MasksAUriPasswordWithSpacesQuotesAndDelimiters) {
    for (const char* password : {"pass word", "pa'ss", "p\"w", "pa/ss", "pa?ss", "pa#ss", "a b/c?d#e'f\"g"}) {
        const std::string address = std::string("postgresql://u:") + password + "@h/db";
        EXPECT_EQ(mask_conninfo_password(address), "postgresql://u:••••@h/db") << address;
        EXPECT_EQ(
            mask_conninfo_password("Postgres://u:" + std::string(password) + "@h:5432/db?sslmode=require"),
            "Postgres://u:••••@h:5432/db?sslmode=require")
            << password;
        EXPECT_EQ(mask_conninfo_password("cannot reach " + address + ": connection refused"),
                  "cannot reach postgresql://u:••••@h/db: connection refused")
            << address;
        EXPECT_EQ(mask_conninfo_password("hub.url = \"" + address + "\""),
                  "hub.url = \"postgresql://u:••••@h/db\"")
            << address;
    }
    // No '@host' after "user:": everything after the ':' is masked.
    EXPECT_EQ(mask_conninfo_password("postgresql://u:pass word"), "postgresql://u:••••");
    EXPECT_EQ(mask_conninfo_password("bad address postgresql://u:pass word"),
              "bad address postgresql://u:••••");
    EXPECT_EQ(mask_conninfo_password("postgresql://:secret@h/db"), "postgresql://:••••@h/db");
    // A port that cannot be a password (after '@host', of a bracketed host, as ?port=) is shown.
    for (const char* address :
         {"postgresql://[::1]:5432/db", "postgresql://kiosk@hub:5432/db", "postgresql://@hub:5432/db",
          "postgresql://kiosk@h1:5432,h2:5433/db", "cannot reach postgresql://kiosk@hub:5432/db: refused",
          "postgresql://hub/county?port=5432"}) {
        EXPECT_EQ(mask_conninfo_password(address), address);
    }
}

// The red team's gap 1: "user:123456" with no '@' after it is read by libpq as host "user", port
// 123456, but the technician may have meant a password and left out "@host". A password is possible,
// so the digits are masked; the database and query after them stay readable. "hub:5432" has the same
// shape and is masked too: write "user@hub:5432", "@hub:5432" or "?port=5432" to have the port shown.
TEST(ConninfoMask, MasksAnAllDigitPasswordThatReadsAsAPort) {
    EXPECT_EQ(mask_conninfo_password("postgresql://user:123456"), "postgresql://user:••••");
    EXPECT_EQ(mask_conninfo_password("postgresql://user:123456/db"), "postgresql://user:••••/db");
    EXPECT_EQ(mask_conninfo_password("postgres://user:123456/db?sslmode=require&password=s3"),
              "postgres://user:••••/db?sslmode=require&password=••••");
    EXPECT_EQ(mask_conninfo_password("cannot reach postgresql://user:123456/db: refused"),
              "cannot reach postgresql://user:••••/db: refused");
    EXPECT_EQ(mask_conninfo_password("hub.url = \"postgresql://user:123456\""),
              "hub.url = \"postgresql://user:••••\"");
    EXPECT_EQ(mask_conninfo_password("postgresql://hub:5432/county"), "postgresql://hub:••••/county");
    EXPECT_EQ(mask_conninfo_password("postgresql://h1:5432,h2:5433/db"), "postgresql://h1:••••/db");
    // "user:" with nothing after it holds no password.
    EXPECT_EQ(mask_conninfo_password("postgresql://user:/db"), "postgresql://user:/db");
}

// The red team's gap 2: an address refused for its scheme (a typo, a missing ':', another protocol)
// is shown in the refusal, so its password is masked whatever the scheme.
TEST(ConninfoMask, MasksTheUserinfoPasswordOfAnyScheme) {
    EXPECT_EQ(mask_conninfo_password("postgresq://u:pw@h/db"), "postgresq://u:••••@h/db");
    EXPECT_EQ(mask_conninfo_password("postgres//u:pw@h"), "postgres//u:••••@h");
    EXPECT_EQ(mask_conninfo_password("postgresql:/u:pw@h/db"), "postgresql:/u:••••@h/db");
    EXPECT_EQ(mask_conninfo_password("http://u:pw@h"), "http://u:••••@h");
    EXPECT_EQ(mask_conninfo_password("HTTPS://u:p w/x@h:443/db?password=s3"),
              "HTTPS://u:••••@h:443/db?password=••••");
    EXPECT_EQ(mask_conninfo_password("expected a PostgreSQL URL, got \"postgresq://u:pw@h/db\""),
              "expected a PostgreSQL URL, got \"postgresq://u:••••@h/db\"");
    EXPECT_EQ(mask_conninfo_password("bad: postgres//u:pw@h and http://v:pw2@g/x"),
              "bad: postgres//u:••••@h and http://v:••••@g/x");
    // A "word://" inside the password does not end the address early.
    EXPECT_EQ(mask_conninfo_password("cannot reach postgresql://u:pa://ss@h/db: refused"),
              "cannot reach postgresql://u:••••@h/db: refused");
    // Without a password, or not a URI at all, nothing changes.
    for (const char* text : {"http://h/x", "https://kiosk@h:8443/db", "camera:/dev/video0", "a/b//c",
                             "video:/media/usb/clip.mp4", "see docs/hub.md"}) {
        EXPECT_EQ(mask_conninfo_password(text), text);
    }
}

// The red team's gap 3: an '@' in the query (application_name=a@b, options=x@y) is no userinfo's: only
// the password before the host is masked, and the query's own password= still is.
TEST(ConninfoMask, AnAtSignInTheQueryIsNotTheUserinfos) {
    for (const char* address :
         {"postgresql://h/db?application_name=a@b", "postgresql://h/db?sslmode=require&options=x@y",
          "postgresql://kiosk@h/db?application_name=a@b"}) {
        EXPECT_EQ(mask_conninfo_password(address), address);
    }
    EXPECT_EQ(mask_conninfo_password("postgresql://u:pw@h/db?application_name=a@b"),
              "postgresql://u:••••@h/db?application_name=a@b");
    EXPECT_EQ(mask_conninfo_password("postgresql://u:pw@h:5432/db?sslmode=require&options=x@y&password=s3"),
              "postgresql://u:••••@h:5432/db?sslmode=require&options=x@y&password=••••");
    EXPECT_EQ(mask_conninfo_password("postgresql://u:pw@h?application_name=a@b"),
              "postgresql://u:••••@h?application_name=a@b");
    EXPECT_EQ(mask_conninfo_password("cannot reach postgresql://u:pw@h/db?application_name=a@b: refused"),
              "cannot reach postgresql://u:••••@h/db?application_name=a@b: refused");
    // A database name with an '@' in it is no password either.
    EXPECT_EQ(mask_conninfo_password("postgresql://u:pw@h/my@db"), "postgresql://u:••••@h/my@db");
    // Port-shaped digits with an '@' only in the query: masked as in gap 1, the query kept.
    EXPECT_EQ(mask_conninfo_password("postgresql://h:5432/db?options=x@y"),
              "postgresql://h:••••/db?options=x@y");
    // A password whose '?…=…' only looks like a query is masked whole rather than shown.
    EXPECT_EQ(mask_conninfo_password("postgresql://u:pa/ss?x=y@h/db"), "postgresql://u:••••");
}

// The red team's F8: the client key's password, a percent-encoded query key, a double quote inside an
// unquoted value.
TEST(ConninfoMask, MasksSslpasswordEncodedKeysAndQuotesInsideAValue) {
    EXPECT_EQ(mask_conninfo_password("host=hub sslkey=/k sslpassword=keysecret user=kiosk"),
              "host=hub sslkey=/k sslpassword=•••• user=kiosk");
    EXPECT_EQ(mask_conninfo_password("postgresql://kiosk@hub/db?sslpassword=keysecret&sslmode=require"),
              "postgresql://kiosk@hub/db?sslpassword=••••&sslmode=require");
    EXPECT_EQ(mask_conninfo_password("postgresql://kiosk@hub/db?%70assword=s3&sslmode=require"),
              "postgresql://kiosk@hub/db?%70assword=••••&sslmode=require");
    EXPECT_EQ(mask_conninfo_password("postgresql://kiosk@hub/db?ssl%50ASSWORD%3d=x&%73slpassword=s3"),
              "postgresql://kiosk@hub/db?ssl%50ASSWORD%3d=x&%73slpassword=••••");
    EXPECT_EQ(mask_conninfo_password(R"(host=hub password=ab"cd user=kiosk)"),
              "host=hub password=•••• user=kiosk");
    EXPECT_EQ(mask_conninfo_password(R"(password=ab"cd)"), "password=••••");
    // A quote that closes one opened before the string still ends the value.
    EXPECT_EQ(mask_conninfo_password(R"(url = "host=hub password=ab"cd")"),
              R"(url = "host=hub password=••••")");
    EXPECT_EQ(mask_conninfo_password("url = \"host=hub password=secret\", line 3"),
              "url = \"host=hub password=••••\", line 3");
}

// Red team 4: an extra slash after the scheme ("postgresql:///kiosk:pw@hub/db", a typo libpq reads as
// the local socket and a database named "kiosk:pw@hub/db") was accepted by config set and shown whole.
TEST(ConninfoMask, MasksThePasswordAfterExtraSlashesOfTheScheme) {
    EXPECT_EQ(mask_conninfo_password("postgresql:///kiosk:secret@hub/county"),
              "postgresql:///kiosk:••••@hub/county");
    EXPECT_EQ(mask_conninfo_password("postgresql:////kiosk:secret@hub/county"),
              "postgresql:////kiosk:••••@hub/county");
    EXPECT_EQ(mask_conninfo_password("url = \"postgresql:///kiosk:secret@hub/county\""),
              "url = \"postgresql:///kiosk:••••@hub/county\"");
    // The local socket's database, with no password, stays readable.
    EXPECT_EQ(mask_conninfo_password("postgresql:///county?sslmode=disable"),
              "postgresql:///county?sslmode=disable");
}

// Red team 4: when the text is the address itself, libpq reads it to its end, so a ?password= value
// holding a space or a quote is masked to its end too (it was cut at the space: "password=•••• word").
TEST(ConninfoMask, AWholeAddressQueryPasswordIsMaskedPastSpacesAndQuotes) {
    for (const char* password : {"pass word", "pa'ss", "pa\"ss", "a\tb"}) {
        EXPECT_EQ(mask_conninfo_password(std::string("postgresql://u@h/db?password=") + password),
                  "postgresql://u@h/db?password=••••")
            << password;
        EXPECT_EQ(mask_conninfo_password(std::string("postgresql://u@h/db?password=") + password +
                                         "&sslmode=require"),
                  "postgresql://u@h/db?password=••••&sslmode=require")
            << password;
    }
}

// Red team 4: `config show` masks the address and then the whole text: masking again changes nothing
// (a masked port-shaped "hub:••••/county" lost its database and closing quote).
TEST(ConninfoMask, MaskingTwiceChangesNothing) {
    for (const char* address :
         {"postgresql://hub.example:5432/county", "postgresql://kiosk:pw@hub:5432/county?sslmode=require",
          "postgresql://user:123456/db?password=s3", "host=hub password='a b' user=kiosk",
          "postgresql:///kiosk:pw@hub/county", "postgresql://u@h/db?password=a b&sslmode=require"}) {
        const std::string once = mask_conninfo_password(address);
        EXPECT_EQ(mask_conninfo_password(once), once) << address;
        const std::string quoted = "url = \"" + once + "\"";
        EXPECT_EQ(mask_conninfo_password(quoted), quoted) << address;
    }
}

}  // namespace
}  // namespace medkiosk::kiosk
