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

}  // namespace
}  // namespace medkiosk::kiosk
