#include "scratchnet/io/safetensors.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "scratchnet/core/error.h"
#include "scratchnet/io/json.h"
#include "scratchnet/io/utf8.h"

namespace scratchnet {
namespace {

struct DtypeSize {
  const char* name;
  std::size_t bytes;
};

// The dtypes of the format, with their element sizes.
constexpr DtypeSize kDtypes[] = {{"BOOL", 1},    {"U8", 1},  {"I8", 1},  {"F8_E5M2", 1},
                                 {"F8_E4M3", 1}, {"I16", 2}, {"U16", 2}, {"F16", 2},
                                 {"BF16", 2},    {"I32", 4}, {"U32", 4}, {"F32", 4},
                                 {"F64", 8},     {"I64", 8}, {"U64", 8}};

constexpr std::size_t kMaxJsonDepth = 64;  // nesting of skipped values

std::uint64_t read_u64_le(std::string_view bytes) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i)
    v = (v << 8) | static_cast<unsigned char>(bytes[static_cast<std::size_t>(i)]);
  return v;
}

// Reads the JSON of a safetensors header (RFC 8259), one token at a time and
// without recursion: the header's shape is fixed (an object of objects), and
// values of unknown keys are skipped with an explicit stack.
class HeaderCursor {
 public:
  HeaderCursor(std::string_view text, const std::string& source) : text_(text), source_(source) {}

  template <class... Args>
  [[noreturn]] void fail(fmt::format_string<Args...> format, Args&&... args) const {
    // Byte positions count from the start of the file (the header follows the 8-byte length).
    throw_data("{}: safetensors header, byte {}: {}", source_, pos_ + 8,
               fmt::format(format, std::forward<Args>(args)...));
  }

  void whitespace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r'))
      ++pos_;
  }
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() {
    whitespace();
    if (at_end()) fail("the JSON ends early");
    return text_[pos_];
  }
  bool consume(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  void expect(char c, const char* where) {
    if (!consume(c)) fail("expected '{}' {}, found '{}'", c, where, printable(text_[pos_]));
  }

  std::string string(const char* what) {
    if (peek() != '"') fail("expected a string ({}), found '{}'", what, printable(text_[pos_]));
    ++pos_;
    std::string out;
    for (;;) {
      if (at_end()) fail("unterminated string");
      const char c = text_[pos_++];
      if (c == '"') return out;
      if (static_cast<unsigned char>(c) < 0x20)
        fail("control character 0x{:02x} inside a string", static_cast<int>(c));
      if (c != '\\') {
        out.push_back(c);
        continue;
      }
      if (at_end()) fail("unterminated string");
      const char e = text_[pos_++];
      switch (e) {
        case '"':
          out.push_back('"');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '/':
          out.push_back('/');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          std::uint32_t cp = hex4();
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            // A high surrogate must be followed by a low one: together one code point.
            if (pos_ + 2 > text_.size() || text_[pos_] != '\\' || text_[pos_ + 1] != 'u')
              fail("a UTF-16 high surrogate without its low surrogate");
            pos_ += 2;
            const std::uint32_t low = hex4();
            if (low < 0xDC00 || low > 0xDFFF)
              fail("a UTF-16 high surrogate without its low surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            fail("a lone UTF-16 low surrogate");
          }
          append_utf8(out, cp);
          break;
        }
        default:
          fail("unknown escape '\\{}'", printable(e));
      }
    }
  }

  // A JSON number that is a non-negative integer without fraction or exponent.
  std::uint64_t unsigned_integer(const std::string& what) {
    whitespace();
    const std::size_t start = pos_;
    std::uint64_t value = 0;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      const auto digit = static_cast<std::uint64_t>(text_[pos_] - '0');
      if (value > (UINT64_MAX - digit) / 10) fail("{}: the number is too large", what);
      value = value * 10 + digit;
      ++pos_;
    }
    const bool digits = pos_ > start;
    const bool more =
        pos_ < text_.size() && (text_[pos_] == '.' || text_[pos_] == 'e' || text_[pos_] == 'E');
    if (!digits || more || (pos_ - start > 1 && text_[start] == '0'))
      fail("{}: expected a non-negative integer", what);
    return value;
  }

  // Skips any JSON value (the values of keys this reader does not use).
  void skip_value() {
    std::vector<char> open;  // '{' or '[' of the containers we are inside
    for (;;) {
      // One value; an opened container continues with its first element.
      const char c = peek();
      if ((c == '{' || c == '[') && !empty_container(c)) {
        if (open.size() >= kMaxJsonDepth)
          fail("values nested deeper than {} levels", kMaxJsonDepth);
        open.push_back(c);
        if (c == '{') member_key();
        continue;
      }
      if (c == '"')
        string("a value");
      else if (c == '-' || (c >= '0' && c <= '9'))
        number();
      else if (c != '{' && c != '[')
        literal();
      // After a value: the next element, or the end of enclosing containers.
      for (;;) {
        if (open.empty()) return;
        if (consume(',')) {
          if (open.back() == '{') member_key();
          break;
        }
        expect(open.back() == '{' ? '}' : ']', "or ',' after a value");
        open.pop_back();
      }
    }
  }

 private:
  static char printable(char c) {
    return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7F ? c : '?';
  }

  // Consumes `open` ('{' or '['); true when the container closes at once (and consumes that too).
  bool empty_container(char open) {
    ++pos_;
    return consume(open == '{' ? '}' : ']');
  }

  void member_key() {
    string("an object key");
    expect(':', "after an object key");
  }

  std::uint32_t hex4() {
    if (pos_ + 4 > text_.size()) fail("a \\u escape needs four hex digits");
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = text_[pos_++];
      v <<= 4;
      if (h >= '0' && h <= '9')
        v |= static_cast<std::uint32_t>(h - '0');
      else if (h >= 'a' && h <= 'f')
        v |= static_cast<std::uint32_t>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F')
        v |= static_cast<std::uint32_t>(h - 'A' + 10);
      else
        fail("a \\u escape needs four hex digits");
    }
    return v;
  }

  // -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
  void number() {
    auto digits = [this] {
      const std::size_t start = pos_;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
      if (pos_ == start) fail("malformed number");
      return pos_ - start;
    };
    if (text_[pos_] == '-') ++pos_;
    const std::size_t first = pos_;
    if (digits() > 1 && text_[first] == '0') fail("malformed number (leading zero)");
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      digits();
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      digits();
    }
  }

  void literal() {
    for (std::string_view word : {"true", "false", "null"})
      if (text_.substr(pos_, word.size()) == word) {
        pos_ += word.size();
        return;
      }
    fail("unexpected '{}'", printable(text_[pos_]));
  }

  std::string_view text_;
  const std::string& source_;
  std::size_t pos_ = 0;
};

// What the header says of one tensor, before the checks against the buffer.
struct TensorEntry {
  std::string name;
  std::string dtype;
  std::vector<std::uint64_t> shape;
  std::uint64_t begin = 0, end = 0;
  bool has_dtype = false, has_shape = false, has_offsets = false;
};

std::vector<std::uint64_t> integer_array(HeaderCursor& in, const std::string& what) {
  std::vector<std::uint64_t> values;
  in.expect('[', fmt::format("to open {}", what).c_str());
  if (in.consume(']')) return values;
  do {
    values.push_back(in.unsigned_integer(what));
  } while (in.consume(','));
  in.expect(']', fmt::format("or ',' in {}", what).c_str());
  return values;
}

TensorEntry tensor_entry(HeaderCursor& in, std::string name) {
  TensorEntry t;
  t.name = std::move(name);
  const std::string who = fmt::format("tensor '{}'", t.name);
  in.expect('{', fmt::format("to open {}", who).c_str());
  if (!in.consume('}')) {
    do {
      const std::string key = in.string("a key of a tensor");
      in.expect(':', "after a key");
      if (key == "dtype") {
        t.dtype = in.string("the dtype");
        t.has_dtype = true;
      } else if (key == "shape") {
        t.shape = integer_array(in, who + " shape");
        t.has_shape = true;
      } else if (key == "data_offsets") {
        const auto offsets = integer_array(in, who + " data_offsets");
        if (offsets.size() != 2)
          in.fail("{}: data_offsets must hold two numbers [begin, end], it holds {}", who,
                  offsets.size());
        t.begin = offsets[0];
        t.end = offsets[1];
        t.has_offsets = true;
      } else {
        in.skip_value();
      }
    } while (in.consume(','));
    in.expect('}', fmt::format("or ',' in {}", who).c_str());
  }
  if (!t.has_dtype || !t.has_shape || !t.has_offsets)
    in.fail("{} lacks {}", who,
            !t.has_dtype   ? "its dtype"
            : !t.has_shape ? "its shape"
                           : "its data_offsets");
  return t;
}

std::string shape_text(const std::vector<std::uint64_t>& shape) {
  return fmt::format("[{}]", fmt::join(shape, ", "));
}

}  // namespace

std::optional<std::size_t> safetensors_dtype_size(std::string_view dtype) {
  for (const DtypeSize& d : kDtypes)
    if (dtype == d.name) return d.bytes;
  return std::nullopt;
}

std::vector<std::string> safetensors_dtypes() {
  std::vector<std::string> names;
  for (const DtypeSize& d : kDtypes) names.emplace_back(d.name);
  return names;
}

const SafetensorsTensor* SafetensorsFile::find(std::string_view name) const {
  for (const SafetensorsTensor& t : tensors)
    if (t.name == name) return &t;
  return nullptr;
}

const std::string* SafetensorsFile::meta(std::string_view key) const {
  for (const auto& [k, v] : metadata)
    if (k == key) return &v;
  return nullptr;
}

SafetensorsFile parse_safetensors(std::string_view bytes, const std::string& source) {
  if (bytes.size() < 8)
    throw_data("{}: not a safetensors file: {} bytes, too short for the 8-byte header length",
               source, bytes.size());
  const std::uint64_t header_length = read_u64_le(bytes);
  const std::uint64_t after = bytes.size() - 8;
  if (header_length > after)
    throw_data(
        "{}: safetensors header length {} is larger than the file ({} bytes follow the length "
        "field): "
        "truncated, or not a safetensors file",
        source, header_length, after);
  if (header_length > kMaxSafetensorsHeader)
    throw_data("{}: safetensors header of {} bytes is over the limit of {}", source, header_length,
               kMaxSafetensorsHeader);
  const std::string_view header = bytes.substr(8, header_length);
  if (header.empty() || header[0] != '{')
    throw_data("{}: the safetensors header does not begin with '{{': not a safetensors file",
               source);
  if (const std::size_t bad = invalid_utf8_at(header); bad != std::string_view::npos)
    throw_data("{}: safetensors header, byte {}: not valid UTF-8", source, bad + 8);
  const std::string_view data = bytes.substr(8 + header_length);

  // The header: {"__metadata__": {...}, "name": {...}, ...}.
  HeaderCursor in(header, source);
  SafetensorsFile file;
  std::vector<TensorEntry> entries;
  std::set<std::string> names;
  bool metadata_seen = false;
  in.expect('{', "to open the header");
  if (!in.consume('}')) {
    do {
      std::string key = in.string("a tensor name");
      in.expect(':', "after a tensor name");
      if (key == "__metadata__") {
        if (metadata_seen) in.fail("__metadata__ appears twice");
        metadata_seen = true;
        in.expect('{', "to open __metadata__");
        if (!in.consume('}')) {
          do {
            std::string name = in.string("a __metadata__ key");
            in.expect(':', "after a __metadata__ key");
            if (in.peek() != '"')
              in.fail("__metadata__ value of '{}' is not a string (the format allows only strings)",
                      name);
            file.metadata.emplace_back(std::move(name), in.string("a __metadata__ value"));
          } while (in.consume(','));
          in.expect('}', "or ',' in __metadata__");
        }
        continue;
      }
      if (!names.insert(key).second) in.fail("tensor '{}' appears twice", key);
      entries.push_back(tensor_entry(in, std::move(key)));
    } while (in.consume(','));
    in.expect('}', "or ',' between tensors");
  }
  in.whitespace();
  if (!in.at_end()) in.fail("text after the header's closing '}}'");

  // Each tensor against the data buffer.
  for (const TensorEntry& t : entries) {
    const auto size = safetensors_dtype_size(t.dtype);
    if (!size)
      throw_data("{}: tensor '{}' has unknown dtype '{}' (the format's dtypes: {})", source, t.name,
                 t.dtype, fmt::join(safetensors_dtypes(), ", "));
    if (t.begin > t.end)
      throw_data("{}: tensor '{}': data_offsets [{}, {}] end before they begin", source, t.name,
                 t.begin, t.end);
    if (t.end > data.size())
      throw_data(
          "{}: tensor '{}': data_offsets [{}, {}] reach past the end of the data ({} bytes after "
          "the header)",
          source, t.name, t.begin, t.end, data.size());
    // Elements times element size, checked against overflow (it must equal end - begin <= file
    // size).
    std::uint64_t bytes_needed = *size;
    bool overflow = false;
    for (std::uint64_t d : t.shape) {
      if (d != 0 && bytes_needed > UINT64_MAX / d) overflow = true;
      bytes_needed = overflow ? 0 : bytes_needed * d;
    }
    if (overflow || bytes_needed != t.end - t.begin)
      throw_data("{}: tensor '{}': shape {} of {} needs {} bytes, data_offsets [{}, {}] hold {}",
                 source, t.name, shape_text(t.shape), t.dtype,
                 overflow ? std::string("more than 2^64") : std::to_string(bytes_needed), t.begin,
                 t.end, t.end - t.begin);
  }
  // The ranges in order: contiguous from 0 to the end of the buffer.
  std::vector<const TensorEntry*> order;
  for (const TensorEntry& t : entries) order.push_back(&t);
  std::stable_sort(order.begin(), order.end(), [](const TensorEntry* a, const TensorEntry* b) {
    return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
  });
  std::uint64_t covered = 0;
  const TensorEntry* previous = nullptr;
  for (const TensorEntry* t : order) {
    if (t->begin < covered)
      throw_data("{}: tensors '{}' [{}, {}] and '{}' [{}, {}] overlap", source, previous->name,
                 previous->begin, previous->end, t->name, t->begin, t->end);
    if (t->begin > covered)
      throw_data(
          "{}: data bytes [{}, {}) belong to no tensor (before '{}'): the format allows no holes",
          source, covered, t->begin, t->name);
    covered = t->end;
    previous = t;
  }
  if (covered != data.size())
    throw_data("{}: the last {} bytes of the data belong to no tensor: the format allows no holes",
               source, data.size() - covered);
  for (const TensorEntry* t : order)
    file.tensors.push_back({t->name, t->dtype, t->shape, data.substr(t->begin, t->end - t->begin)});
  return file;
}

std::string encode_safetensors(const std::vector<SafetensorsTensor>& tensors,
                               const std::vector<std::pair<std::string, std::string>>& metadata) {
  std::string header = "{";
  if (!metadata.empty()) {
    header += "\"__metadata__\": {";
    for (std::size_t i = 0; i < metadata.size(); ++i)
      header += fmt::format("{}{}: {}", i ? ", " : "", json_string(valid_utf8(metadata[i].first)),
                            json_string(valid_utf8(metadata[i].second)));
    header += "}";
  }
  std::uint64_t offset = 0;
  for (const SafetensorsTensor& t : tensors) {
    const auto size = safetensors_dtype_size(t.dtype);
    SCRATCHNET_CHECK(size.has_value(), "unknown dtype {}", t.dtype);
    std::uint64_t expected = *size;
    for (std::uint64_t d : t.shape) expected *= d;
    SCRATCHNET_CHECK(expected == t.data.size(), "tensor {}: {} bytes for shape {} of {}", t.name,
                     t.data.size(), shape_text(t.shape), t.dtype);
    header += fmt::format("{}{}: {{\"dtype\": \"{}\", \"shape\": {}, \"data_offsets\": [{}, {}]}}",
                          header.size() > 1 ? ", " : "", json_string(valid_utf8(t.name)), t.dtype,
                          shape_text(t.shape), offset, offset + t.data.size());
    offset += t.data.size();
  }
  header += "}";
  // Spaces up to a multiple of 8, so that the data starts 8-byte aligned.
  header.append((8 - header.size() % 8) % 8, ' ');
  std::string out;
  out.reserve(8 + header.size() + offset);
  for (int i = 0; i < 8; ++i)
    out.push_back(static_cast<char>((static_cast<std::uint64_t>(header.size()) >> (8 * i)) & 0xFF));
  out += header;
  for (const SafetensorsTensor& t : tensors) out.append(t.data);
  return out;
}

}  // namespace scratchnet
