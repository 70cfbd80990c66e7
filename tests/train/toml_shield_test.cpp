// Config files as untrusted input: the inputs fuzz/config_fuzzer.cpp found.
// Characters that make toml++ 3.3.0 reach undefined behaviour are shielded
// (src/train/toml_shield.h) and come back unchanged in keys, strings and
// messages; to_toml escapes what TOML cannot hold raw, so every config it
// writes reads back the same.

#include <gtest/gtest.h>

#include "scratchnet/core/error.h"
#include "scratchnet/train/config.h"
#include "scratchnet/train/network.h"

namespace scratchnet {
namespace {

std::string usage_error(const std::string& text) {
  try {
    TrainConfig c;
    c.load_toml_text(text, "f.toml");
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "loaded: " << text;
  return "";
}

TEST(TomlShield, CharactersThatTripToml3_3AreSyntaxErrorsOutsideStrings) {
  // U+0316, U+FC7F and U+2C60 where toml++ tests for whitespace (under UBSan
  // these reached __builtin_unreachable).
  EXPECT_NE(usage_error("\xcc\x96"), "");
  EXPECT_NE(usage_error("[train]\ne = 1t!a++'+`\xef\xb1\xbf```"), "");
  EXPECT_NE(usage_error("[train]\nepochs = 3 \xe2\xb1\xa0\n"), "");
  // A message quoting the character shows the character itself.
  const std::string message = usage_error("[train]\n\xc3\xa9poques = 3\n");
  EXPECT_NE(message.find("f.toml:2:"), std::string::npos) << message;
  EXPECT_EQ(message.find("\xee"), std::string::npos) << "placeholder leaked: " << message;
}

TEST(TomlShield, StringsKeepTheirCharacters) {
  TrainConfig c;
  // "données" (U+00E9), a line-ending backslash before U+00A7 (toml++ issue
  // #190) and U+FB30 in a literal string.
  c.load_toml_text(
      "[data]\nsource = \"donn\xc3\xa9"
      "es.csv\"\nlabel = \"\"\"\\\n  \xc2\xa7x\"\"\"\n[output]\ndir = 'r\xef\xac\xb0'\n",
      "f.toml");
  EXPECT_EQ(c.data,
            "donn\xc3\xa9"
            "es.csv");
  EXPECT_EQ(c.label, "\xc2\xa7x");
  EXPECT_EQ(c.out, "r\xef\xac\xb0");
  TrainConfig again;
  again.load_toml_text(c.to_toml(), "round trip");
  EXPECT_EQ(again.data, c.data);
  EXPECT_EQ(again.label, c.label);
}

TEST(TomlShield, PrivateUsePlaceholdersAreRefused) {
  EXPECT_NE(usage_error("[data]\nsource = \"\xee\x80\x80\"\n").find("U+E000"), std::string::npos);
}

TEST(TomlShield, ToTomlEscapesControlCharactersAndRefusesOddKeys) {
  TrainConfig a;
  a.set("data.label", std::string("a\nb\t\"c\\\x01\x7f", 9));
  a.load_toml_text("[[layer]]\ntype = \"dense\"\nunits = 4\n", "layers.toml");
  TrainConfig b;
  b.load_toml_text(a.to_toml(), "round trip");
  EXPECT_EQ(b.label, a.label);
  EXPECT_EQ(b.to_toml(), a.to_toml());
  ASSERT_EQ(b.layer_list.size(), 1u);
  // Layer settings are checked against the layer's schema when read, so a
  // key that no layer takes never reaches a run's config.toml.
  EXPECT_NE(usage_error("[[layer]]\ntype = \"dense\"\nunits = 4\n\"odd key\" = 1\n").find("'odd key'"),
            std::string::npos);
}

TEST(TomlShield, HugeLayerSizesAreUsageErrorsNotUndefinedBehaviour) {
  // dense checked units against size_t after converting 1e30 to it.
  for (const char* units : {"1e30", "1e19", "-1e30", "2.5"}) {
    TrainConfig c;
    try {
      // Refused when the file is read (the layer schema), before any network exists.
      c.load_toml_text(std::string("[[layer]]\ntype = \"dense\"\nunits = ") + units + "\n", "l.toml");
      Network<float> net({Shape{3}, c.network_layers(2)});
      ADD_FAILURE() << units;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("units must be a positive integer"), std::string::npos)
          << e.what();
    }
  }
}

}  // namespace
}  // namespace scratchnet
