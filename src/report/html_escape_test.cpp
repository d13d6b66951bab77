#include "html_escape.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace afbench::html {
namespace {

TEST(JsonForScript, EscapesEverythingThatCouldEndTheScriptElementAndStillParsesToTheSameValue) {
  const nlohmann::json value = {
      {"text", "</script><script>x()</script><!-- & \xE2\x80\xA8\xE2\x80\xA9 >"}};
  const std::string safe = JsonForScript(value.dump());
  for (const char* forbidden : {"<", ">", "&", "\xE2\x80\xA8", "\xE2\x80\xA9"}) {
    EXPECT_EQ(safe.find(forbidden), std::string::npos) << forbidden;
  }
  EXPECT_NE(safe.find("\\u003c/script\\u003e"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(safe), value);
}

TEST(Base64, MatchesTheRfc4648TestVectors) {
  EXPECT_EQ(Base64(""), "");
  EXPECT_EQ(Base64("f"), "Zg==");
  EXPECT_EQ(Base64("fo"), "Zm8=");
  EXPECT_EQ(Base64("foo"), "Zm9v");
  EXPECT_EQ(Base64("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64("\xFF\xFE"), "//4=");
}

TEST(CspHashSource, IsTheBase64Sha256OfTheContent) {
  // SHA-256 of the empty string, base64 (the value browsers print for an empty inline script).
  EXPECT_EQ(CspHashSource(""), "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='");
  EXPECT_EQ(CspHashSource("abc"), "'sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0='");
}

TEST(FillTemplate, SubstitutesInOnePassSoValuesAreNeverScannedAgain) {
  auto page = FillTemplate("<p>{{a}}|{{b}}</p>", {{"a", "{{b}}"}, {"b", "x"}});
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(*page, "<p>{{b}}|x</p>");
}

TEST(FillTemplate, RefusesUnknownAndUnterminatedPlaceholders) {
  auto unknown = FillTemplate("{{nope}}", {});
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.error().message.find("{{nope}}"), std::string::npos);
  EXPECT_FALSE(FillTemplate("a {{b", {{"b", "x"}}).has_value());
}

}  // namespace
}  // namespace afbench::html
