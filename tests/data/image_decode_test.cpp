// Image decoding: PNG of every colour type decodes to the pixels it was
// written from (libspng's encoder, in the test); JPEG within a few levels
// (lossy); PGM/PPM/BMP exactly; gray/colour conversions; the colour type is
// reported; truncated, corrupt, empty, non-image and lying-header files are
// data errors naming the file and what the decoder said, refused before
// anything of the declared size is allocated.

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "scratchnet/core/error.h"
#include "scratchnet/data/image_decode.h"
#include "support/expect_error.h"
#include "support/image_files.h"

namespace scratchnet {
namespace {

using testing::Bytes;

// Decoding `bytes` is a data error whose message holds each of `fragments`.
void expect_decode_error(const Bytes& bytes, const std::vector<std::string>& fragments,
                         const DecodeLimits& limits = {}) {
  testing::expect_error([&] { decode_image(bytes, "photos/x.img", 0, limits); }, ErrorKind::kData,
                        fragments);
}

TEST(ImageDecode, GrayPngDecodesToItsPixels) {
  const Bytes pixels = testing::smooth_pixels(5, 3, 1);
  const DecodedImage image = decode_image(testing::png_of(5, 3, 1, pixels), "g.png");
  EXPECT_EQ(image.width, 5u);
  EXPECT_EQ(image.height, 3u);
  EXPECT_EQ(image.channels, 1);
  EXPECT_EQ(image.color, ImageColor::kGray);
  EXPECT_EQ(image.format, ImageFormat::kPng);
  EXPECT_EQ(image.pixels, pixels);
}

TEST(ImageDecode, RgbPngDecodesToItsPixels) {
  const Bytes pixels = testing::smooth_pixels(4, 6, 3);
  const DecodedImage image = decode_image(testing::png_of(4, 6, 3, pixels), "c.png");
  EXPECT_EQ(image.channels, 3);
  EXPECT_EQ(image.color, ImageColor::kColor);
  EXPECT_EQ(image.pixels, pixels);
}

TEST(ImageDecode, AlphaIsDroppedAndGrayAlphaCountsAsGray) {
  // RGBA (2 pixels): the colour stays, alpha goes, whatever its value.
  const Bytes rgba = {10, 20, 30, 0, 40, 50, 60, 255};
  const DecodedImage c = decode_image(testing::png_bytes(2, 1, 6, rgba), "rgba.png");
  EXPECT_EQ(c.color, ImageColor::kColor);
  EXPECT_EQ(c.pixels, (Bytes{10, 20, 30, 40, 50, 60}));
  const Bytes gray_alpha = {7, 0, 200, 128};
  const DecodedImage g = decode_image(testing::png_bytes(2, 1, 4, gray_alpha), "ga.png");
  EXPECT_EQ(g.color, ImageColor::kGray);
  EXPECT_EQ(g.channels, 1);
  EXPECT_EQ(g.pixels, (Bytes{7, 200}));
}

TEST(ImageDecode, SixteenBitAndPalettePngsBecomeEightBit) {
  // 16-bit gray v * 257 (host byte order, as spng's SPNG_FMT_PNG takes it) is v in 8 bits.
  Bytes wide;
  for (std::uint16_t v : {std::uint16_t{0}, std::uint16_t{100 * 257}, std::uint16_t{65535}}) {
    wide.push_back(static_cast<std::uint8_t>(v & 0xFF));
    wide.push_back(static_cast<std::uint8_t>(v >> 8));
  }
  const DecodedImage g = decode_image(testing::png_bytes(3, 1, 0, wide, 16), "g16.png");
  EXPECT_EQ(g.color, ImageColor::kGray);
  EXPECT_EQ(g.pixels, (Bytes{0, 100, 255}));
  // 16-bit gray asked as one channel goes through RGB: still exact.
  EXPECT_EQ(decode_image(testing::png_bytes(3, 1, 0, wide, 16), "g16.png", 1).pixels,
            (Bytes{0, 100, 255}));

  const Bytes palette = {255, 0, 0, 0, 0, 255};
  const DecodedImage p = decode_image(testing::png_bytes(3, 1, 3, {1, 0, 1}, 8, palette), "p.png");
  EXPECT_EQ(p.color, ImageColor::kColor);
  EXPECT_EQ(p.pixels, (Bytes{0, 0, 255, 255, 0, 0, 0, 0, 255}));
}

TEST(ImageDecode, ConvertsBetweenGrayAndColourOnRequest) {
  const Bytes gray = {0, 128, 255};
  const DecodedImage rgb = decode_image(testing::png_of(3, 1, 1, gray), "g.png", 3);
  EXPECT_EQ(rgb.channels, 3);
  EXPECT_EQ(rgb.color, ImageColor::kGray);  // what the file holds
  EXPECT_EQ(rgb.pixels, (Bytes{0, 0, 0, 128, 128, 128, 255, 255, 255}));
  // Luma 0.299 R + 0.587 G + 0.114 B: red 76.2, green 149.7, blue 29.1, white 255.
  const Bytes colour = {255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255};
  const DecodedImage luma = decode_image(testing::png_of(4, 1, 3, colour), "c.png", 1);
  EXPECT_EQ(luma.channels, 1);
  EXPECT_EQ(luma.color, ImageColor::kColor);
  EXPECT_EQ(luma.pixels, (Bytes{76, 150, 29, 255}));
  EXPECT_THROW(decode_image(testing::png_of(3, 1, 1, gray), "g.png", 2), Error);
}

TEST(ImageDecode, JpegDecodesCloseToItsPixels) {
  for (int channels : {1, 3}) {
    const Bytes pixels = testing::smooth_pixels(16, 8, channels);
    const DecodedImage image = decode_image(testing::jpeg_of(16, 8, channels, pixels), "photo.jpg");
    EXPECT_EQ(image.format, ImageFormat::kJpeg);
    EXPECT_EQ(image.channels, channels);
    EXPECT_EQ(image.color, channels == 1 ? ImageColor::kGray : ImageColor::kColor);
    ASSERT_EQ(image.pixels.size(), pixels.size());
    for (std::size_t i = 0; i < pixels.size(); ++i)
      EXPECT_NEAR(image.pixels[i], pixels[i], 4) << "channels " << channels << " byte " << i;
  }
  // A colour JPEG asked as gray gives its luma; a gray one as RGB repeats it.
  const Bytes rgb = testing::smooth_pixels(8, 8, 3);
  const DecodedImage gray = decode_image(testing::jpeg_of(8, 8, 3, rgb), "c.jpg", 1);
  Bytes luma(64);
  rgb_to_gray(rgb.data(), 64, luma.data());
  for (std::size_t i = 0; i < 64; ++i) EXPECT_NEAR(gray.pixels[i], luma[i], 4);
}

TEST(ImageDecode, ShrinkHintDecodesLargeJpegsAtAFraction) {
  const Bytes rgb = testing::smooth_pixels(64, 48, 3);
  const Bytes jpeg = testing::jpeg_of(64, 48, 3, rgb);
  DecodedImage image;
  // The smallest of 1/8, 1/4, 1/2 that stays at least the hint: 1/4 for 16x12.
  decode_image(jpeg, "big.jpg", 3, {}, image, ShrinkHint{12, 16});
  EXPECT_EQ(image.width, 16u);
  EXPECT_EQ(image.height, 12u);
  // 1/2 when 1/4 would be too narrow; the full size when not even 1/2 fits.
  decode_image(jpeg, "big.jpg", 3, {}, image, ShrinkHint{12, 17});
  EXPECT_EQ(image.width, 32u);
  decode_image(jpeg, "big.jpg", 3, {}, image, ShrinkHint{25, 8});
  EXPECT_EQ(image.width, 64u);
  // 1/8 scale is the mean of each 8x8 block, up to JPEG's loss.
  decode_image(jpeg, "big.jpg", 3, {}, image, ShrinkHint{6, 8});
  ASSERT_EQ(image.width, 8u);
  for (std::size_t by = 0; by < 6; ++by)
    for (std::size_t bx = 0; bx < 8; ++bx)
      for (std::size_t c = 0; c < 3; ++c) {
        double mean = 0;
        for (std::size_t y = 0; y < 8; ++y)
          for (std::size_t x = 0; x < 8; ++x) mean += rgb[((by * 8 + y) * 64 + bx * 8 + x) * 3 + c];
        EXPECT_NEAR(image.pixels[(by * 8 + bx) * 3 + c], mean / 64, 4.0);
      }
  // PNG ignores the hint.
  decode_image(testing::png_of(64, 48, 3, rgb), "big.png", 3, {}, image, ShrinkHint{6, 8});
  EXPECT_EQ(image.width, 64u);
}

TEST(ImageDecode, PgmPpmAndBmpDecodeExactly) {
  const Bytes gray = testing::smooth_pixels(5, 4, 1);
  const DecodedImage pgm = decode_image(testing::pnm_of(5, 4, 1, gray), "a.pgm");
  EXPECT_EQ(pgm.format, ImageFormat::kPnm);
  EXPECT_EQ(pgm.color, ImageColor::kGray);
  EXPECT_EQ(pgm.pixels, gray);
  const Bytes rgb = testing::smooth_pixels(3, 2, 3);
  const DecodedImage ppm = decode_image(testing::pnm_of(3, 2, 3, rgb), "a.ppm");
  EXPECT_EQ(ppm.color, ImageColor::kColor);
  EXPECT_EQ(ppm.pixels, rgb);

  // BMP written by TurboJPEG's own writer.
  testing::TempFolder dir("image_decode_bmp");
  const std::string path = (dir.path() / "a.bmp").string();
  Bytes copy = rgb;
  ASSERT_EQ(tjSaveImage(path.c_str(), copy.data(), 3, 0, 2, TJPF_RGB, 0), 0)
      << tjGetErrorStr2(nullptr);
  const DecodedImage bmp = read_image(path);
  EXPECT_EQ(bmp.format, ImageFormat::kBmp);
  EXPECT_EQ(bmp.color, ImageColor::kColor);
  EXPECT_EQ(bmp.pixels, rgb);
}

TEST(ImageDecode, FormatComesFromTheBytesNotTheName) {
  const Bytes png = testing::png_of(2, 2, 1, {1, 2, 3, 4});
  EXPECT_EQ(sniff_image_format(png), ImageFormat::kPng);
  EXPECT_EQ(decode_image(png, "really-a-png.jpg").pixels, (Bytes{1, 2, 3, 4}));
  EXPECT_EQ(sniff_image_format(testing::jpeg_of(8, 8, 1, Bytes(64, 9))), ImageFormat::kJpeg);
  EXPECT_EQ(sniff_image_format(Bytes{'B', 'M'}), ImageFormat::kBmp);
  EXPECT_EQ(sniff_image_format(Bytes{'P', '6'}), ImageFormat::kPnm);
  EXPECT_EQ(sniff_image_format(Bytes{'P', '4'}), ImageFormat::kUnknown);
}

TEST(ImageDecode, TruncatedFilesAreErrorsNamingFileAndDecoder) {
  const Bytes png = testing::png_of(16, 16, 3, testing::smooth_pixels(16, 16, 3));
  expect_decode_error(testing::truncated(png, png.size() / 2),
                      {"photos/x.img", "cannot decode PNG"});
  expect_decode_error(testing::truncated(png, 20), {"photos/x.img", "cannot decode PNG"});
  const Bytes jpeg = testing::jpeg_of(16, 16, 3, testing::smooth_pixels(16, 16, 3));
  // libjpeg's own words for a stream that stops early.
  expect_decode_error(testing::truncated(jpeg, jpeg.size() - 40),
                      {"photos/x.img", "cannot decode JPEG", "Premature end of JPEG file"});
  expect_decode_error(testing::truncated(jpeg, 30), {"photos/x.img", "cannot decode JPEG"});
  const Bytes ppm = testing::pnm_of(4, 4, 3, testing::smooth_pixels(4, 4, 3));
  expect_decode_error(testing::truncated(ppm, ppm.size() - 5), {"cannot decode PPM/PGM"});
}

TEST(ImageDecode, CorruptPngDataFailsItsChecksum) {
  Bytes png = testing::png_of(16, 16, 1, testing::smooth_pixels(16, 16, 1));
  png[png.size() - 20] ^= 0x55;  // inside the IDAT chunk
  expect_decode_error(png, {"photos/x.img", "cannot decode PNG"});
}

TEST(ImageDecode, NonImagesAreNamedAsSuch) {
  const std::string text = "label,pixel\n1,2\n";
  expect_decode_error(Bytes(text.begin(), text.end()),
                      {"photos/x.img", "not a PNG, JPEG, BMP or PPM/PGM file", "6c 61 62 65"});
  expect_decode_error(Bytes{}, {"photos/x.img", "empty"});
}

TEST(ImageDecode, LyingHeadersAreRefusedBeforeAllocating) {
  // 100000 x 100000 would be 10^10 pixels: refused from the header alone.
  const Bytes png = testing::png_of(2, 2, 1, {1, 2, 3, 4});
  expect_decode_error(testing::png_with_declared_size(png, 100000, 100000),
                      {"photos/x.img", "cannot decode PNG", "100000x100000", "limit"});
  // Within spng's side limit but over the pixel limit.
  expect_decode_error(testing::png_with_declared_size(png, 30000, 30000), {"30000x30000"});
  const Bytes jpeg = testing::jpeg_of(8, 8, 1, Bytes(64, 50));
  expect_decode_error(testing::jpeg_with_declared_size(jpeg, 65000, 65000),
                      {"cannot decode JPEG", "65000x65000", "limit"});
  const std::string pgm = "P5\n100000 100000\n255\n";
  expect_decode_error(Bytes(pgm.begin(), pgm.end()), {"cannot decode PPM/PGM", "100000x100000"});
  // BMP: a 40-byte info header declaring 100000 x -100000 (top-down).
  Bytes bmp(54, 0);
  bmp[0] = 'B';
  bmp[1] = 'M';
  bmp[14] = 40;
  const std::uint32_t w = 100000, h = static_cast<std::uint32_t>(-100000);
  for (int i = 0; i < 4; ++i) {
    bmp[18 + i] = static_cast<std::uint8_t>(w >> (8 * i));
    bmp[22 + i] = static_cast<std::uint8_t>(h >> (8 * i));
  }
  expect_decode_error(bmp, {"cannot decode BMP", "100000x100000"});
  // The limits are the caller's.
  DecodeLimits small;
  small.max_side = 8;
  expect_decode_error(testing::png_of(9, 1, 1, Bytes(9, 0)), {"9x1"}, small);
  EXPECT_NO_THROW(decode_image(testing::png_of(8, 8, 1, Bytes(64, 0)), "ok.png", 0, small));
}

TEST(ImageDecode, ImageExtensionsAnyCase) {
  for (const char* name : {"a.png", "b.JPG", "c.Jpeg", "d.bmp", "e.PPM", "f.pgm", "x.y.PnG"})
    EXPECT_TRUE(has_image_extension(name)) << name;
  for (const char* name : {"a.txt", "png", ".png", "b.png.txt", "c.gif", "d.tiff", "e.jp"})
    EXPECT_FALSE(has_image_extension(name)) << name;
}

TEST(ImageDecode, ReadImageNamesAMissingFile) {
  testing::expect_error([] { read_image("/nonexistent/scratchnet/photo.png"); }, ErrorKind::kData,
                        {"/nonexistent/scratchnet/photo.png"});
}

}  // namespace
}  // namespace scratchnet
