//===- Json.h - JSON document with source positions ------------*- C++ -*-===//
//
// Contract: parseJson() turns UTF-8 JSON text (with `//` and `/* */`
// comments allowed, so models can carry lit `// RUN:` lines) into a JValue
// tree in which every value and every object key knows the line and column
// of its FIRST character. Objects keep their members in file order; a key
// that appears twice in one object is an error reported at the second key.
// On malformed input parseJson() returns nullopt, a readable message and the
// position of the offending token. No LLVM dependency; never throws on bad
// input.
//
//===----------------------------------------------------------------------===//
#ifndef DLC_FRONTEND_JSON_H
#define DLC_FRONTEND_JSON_H

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dlc {

/// A position in a source file. Both fields are 1-based; `col` counts bytes
/// from the start of the line. {0, 0} means "no position".
struct SourcePos {
  unsigned line = 0, col = 0;
  bool valid() const { return line != 0; }
  /// "LINE:COL".
  std::string str() const;
};
inline bool operator==(SourcePos a, SourcePos b) {
  return a.line == b.line && a.col == b.col;
}
inline bool operator!=(SourcePos a, SourcePos b) { return !(a == b); }
inline bool operator<(SourcePos a, SourcePos b) {
  return a.line != b.line ? a.line < b.line : a.col < b.col;
}

struct JMember;

/// One JSON value. Integers keep their exact value: negative ones are Int,
/// non-negative ones are UInt (as nlohmann reports them); numbers with a
/// fraction or exponent, or too large for 64 bits, are Float.
class JValue {
public:
  enum class Kind { Null, Bool, Int, UInt, Float, String, Array, Object };

  JValue() = default;
  explicit JValue(Kind k, SourcePos p = {}) : kind_(k), pos_(p) {}

  Kind kind() const { return kind_; }
  /// Position of the value's first character (`{`, `[`, `"`, digit, ...).
  SourcePos pos() const { return pos_; }

  bool isNull() const { return kind_ == Kind::Null; }
  bool isBool() const { return kind_ == Kind::Bool; }
  bool isString() const { return kind_ == Kind::String; }
  bool isArray() const { return kind_ == Kind::Array; }
  bool isObject() const { return kind_ == Kind::Object; }
  /// Int or UInt (a JSON number written without fraction or exponent).
  bool isInteger() const { return kind_ == Kind::Int || kind_ == Kind::UInt; }
  /// Any JSON number.
  bool isNumber() const { return isInteger() || kind_ == Kind::Float; }

  /// Accessors: valid only for the matching kind.
  bool getBool() const { return b_; }
  const std::string &getString() const { return s_; }
  const std::vector<JValue> &elements() const { return arr_; }
  const std::vector<JMember> &members() const { return obj_; }

  /// The integer value if it is an integer that fits in int64_t.
  std::optional<int64_t> getInt64() const;
  /// The integer value if it is a non-negative integer.
  std::optional<uint64_t> getUInt64() const;
  /// Any number as a double (integers are converted, possibly rounding).
  std::optional<double> getDouble() const;

  /// Object member lookup (first match; keys are unique after parseJson).
  const JValue *find(std::string_view key) const;
  const JMember *findMember(std::string_view key) const;

  /// "an integer", "a string", "an object", ... for messages.
  static const char *kindName(Kind k);
  const char *kindName() const { return kindName(kind_); }

  // Construction (used by the parser and by tests).
  static JValue makeBool(bool v, SourcePos p);
  static JValue makeInt(int64_t v, SourcePos p);
  static JValue makeUInt(uint64_t v, SourcePos p);
  static JValue makeFloat(double v, SourcePos p);
  static JValue makeString(std::string v, SourcePos p);
  std::vector<JValue> &mutableElements() { return arr_; }
  std::vector<JMember> &mutableMembers() { return obj_; }

private:
  Kind kind_ = Kind::Null;
  SourcePos pos_;
  bool b_ = false;
  union {
    int64_t i_ = 0;
    uint64_t u_;
    double d_;
  };
  std::string s_;
  std::vector<JValue> arr_;
  std::vector<JMember> obj_;
};

/// One object member: the key, where the key's opening quote stands, and the
/// value.
struct JMember {
  std::string key;
  SourcePos keyPos;
  JValue value;
};

/// Parses `text` as one JSON document. Comments are accepted. On failure
/// returns nullopt, sets `error` to a message starting "malformed JSON: "
/// (or "duplicate key ..." for a repeated key) and `errorPos` to the start of
/// the offending token (or the end of the input when it ended too early).
std::optional<JValue> parseJson(std::string_view text, std::string &error,
                                SourcePos &errorPos);

/// Nesting deeper than this is rejected (keeps destruction non-recursive
/// enough to be safe on any input).
constexpr unsigned kMaxJsonDepth = 512;

} // namespace dlc

#endif // DLC_FRONTEND_JSON_H
