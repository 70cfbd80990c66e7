#pragma once
// A run's output folder. Files are written into a staging folder inside it
// and moved into place by commit() only when the run succeeds; if the run
// throws first, the destructor removes them, so a failed run leaves no
// partial output behind. Staging folders of runs that died (SIGKILL, power
// loss) are removed when a new run starts in the same folder.

#include <string>

#include "scratchnet/core/export.h"

namespace scratchnet {

// runs/<YYYYmmdd-HHMMSS>, with a -2, -3, ... suffix when it exists.
SCRATCHNET_API std::string default_run_dir();

class SCRATCHNET_API RunFolder {
 public:
  // An inactive folder (the other processes of a data-parallel run) writes nothing.
  RunFolder(std::string dir, bool active);
  RunFolder(const RunFolder&) = delete;
  RunFolder& operator=(const RunFolder&) = delete;
  ~RunFolder();

  // Where to write `name` before the commit ("/dev/null" when inactive).
  std::string staged(const std::string& name) const;
  // Final location of `name` in the folder.
  std::string final_path(const std::string& name) const;
  void commit();
  const std::string& dir() const { return dir_; }
  bool active() const { return active_; }

 private:
  void remove_stale_staging() const;

  std::string dir_, staging_;
  bool active_;
  bool created_ = false, committed_ = false;
};

}  // namespace scratchnet
