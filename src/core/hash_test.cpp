#include "afbench/hash.h"

#include <gtest/gtest.h>

#include <fstream>

#include "support/test_paths.h"

namespace afbench {
namespace {

// Reference digests from FIPS 180-4 examples and NIST test vectors.
TEST(Sha256Hex, MatchesNistVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256Hex, HandlesInputsAcrossBlockBoundaries) {
  EXPECT_EQ(Sha256Hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, FedInPiecesOfAnySizeGivesTheOneShotDigest) {
  std::string data;
  for (int i = 0; i < 3000; ++i) data.push_back(static_cast<char>(i * 7));
  for (size_t piece : {1u, 3u, 63u, 64u, 65u, 1000u}) {
    Sha256 hash;
    for (size_t at = 0; at < data.size(); at += piece) hash.Update(data.substr(at, piece));
    EXPECT_EQ(hash.Hex(), Sha256Hex(data)) << piece;
  }
}

TEST(Sha256FileHex, HashesTheFilesBytesAndNamesAFileItCannotRead) {
  const auto path = testing::MakeTempDir() / "model.gguf";
  const std::string bytes(3 << 20, 'g');  // more than one 1 MiB read
  std::ofstream(path, std::ios::binary) << bytes;
  const auto hashed = Sha256FileHex(path.string());
  ASSERT_TRUE(hashed.has_value()) << hashed.error().message;
  EXPECT_EQ(*hashed, Sha256Hex(bytes));
  const auto missing = Sha256FileHex((path.parent_path() / "none.gguf").string());
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message.find("none.gguf"), std::string::npos);
}

TEST(MixSeed, IsDeterministicAndOrderSensitive) {
  EXPECT_EQ(MixSeed(1, 2, 3), MixSeed(1, 2, 3));
  EXPECT_NE(MixSeed(1, 2, 3), MixSeed(3, 2, 1));
  EXPECT_NE(MixSeed(0, 0), MixSeed(0, 1));
}

}  // namespace
}  // namespace afbench
