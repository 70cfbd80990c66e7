// export_image_folder: writes an image data set as a folder of PNG files,
// OUT/train/<class>/<index>.png and OUT/test/<class>/<index>.png, which
// `--data OUT` then reads as an image folder with its own split. Run through
// scripts/export-image-folder.
//
//   export_image_folder [SOURCE] OUT
//
// SOURCE is anything `--data` accepts that holds images with a train/test
// split: fashion-mnist (the default), mnist, idx:TRAIN_IMAGES,..., a folder
// of IDX files, or an image folder with train/ and test/. Class folders are
// named after the classes ('/' becomes '-': "T-shirt/top" -> "T-shirt-top").

#include <cstdio>
#include <string>

#include "scratchnet/core/error.h"
#include "scratchnet/data/builtin.h"
#include "scratchnet/data/image_export.h"

using namespace scratchnet;

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3 || std::string(argv[1]) == "-h" || std::string(argv[1]) == "--help") {
    std::fprintf(stderr,
                 "usage: export_image_folder [SOURCE] OUT\n"
                 "  writes OUT/train/<class>/<index>.png and OUT/test/<class>/<index>.png\n"
                 "  SOURCE: fashion-mnist (default), mnist, idx:..., a folder of IDX files\n");
    return 2;
  }
  DataOptions options;
  options.source = argc == 3 ? argv[1] : "fashion-mnist";
  const std::string out = argv[argc - 1];
  try {
    const std::optional<TrainTest> parts = load_predefined_split(options);
    if (!parts)
      throw_usage(
          "'{}' has no train/test split of its own; give an IDX set or a folder with "
          "train/ and test/",
          options.source);
    for (const auto& [part, data] :
         {std::pair<const char*, const Dataset*>{"train", &parts->train}, {"test", &parts->test}}) {
      const std::string dir = out + "/" + part;
      write_image_folder(*data, dir, [&](std::size_t done, std::size_t total) {
        if (done % 1000 == 0 || done == total)
          std::fprintf(stderr, "\r%s: %zu/%zu images", dir.c_str(), done, total);
      });
      std::fprintf(stderr, "\n");
    }
    std::printf("wrote %zu training and %zu test images of '%s' to %s/train and %s/test\n",
                parts->train.size(), parts->test.size(), options.source.c_str(), out.c_str(),
                out.c_str());
    return 0;
  } catch (const Error& e) {
    std::fprintf(stderr, "\nexport_image_folder: %s\n", e.what());
    return e.kind() == ErrorKind::kUsage ? 2 : 1;
  }
}
