//===- Json.cpp - JSON document with source positions ---------------------===//
//
// Contract: see Json.h. nlohmann/json 3.11.2 reports no positions for values,
// and its SAX callbacks fire only after a token has been lexed (for numbers,
// one character past it). So instead of asking the lexer where it is, this
// file walks the same text with a small cursor of its own: every SAX event
// corresponds to exactly one token, and the only tokens without an event are
// `,` and `:`. At each event the cursor skips whitespace, comments and those
// separators; what it lands on is the first character of the event's token.
// nlohmann has already validated the token, so the cursor only needs to know
// where tokens end, not whether they are well formed.
//
//===----------------------------------------------------------------------===//
#include "dlc/Frontend/Json.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

namespace dlc {

std::string SourcePos::str() const {
  return std::to_string(line) + ":" + std::to_string(col);
}

//===----------------------------------------------------------------------===//
// JValue
//===----------------------------------------------------------------------===//

std::optional<int64_t> JValue::getInt64() const {
  if (kind_ == Kind::Int)
    return i_;
  if (kind_ == Kind::UInt &&
      u_ <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
    return static_cast<int64_t>(u_);
  return std::nullopt;
}

std::optional<uint64_t> JValue::getUInt64() const {
  if (kind_ == Kind::UInt)
    return u_;
  if (kind_ == Kind::Int && i_ >= 0)
    return static_cast<uint64_t>(i_);
  return std::nullopt;
}

std::optional<double> JValue::getDouble() const {
  switch (kind_) {
  case Kind::Int:
    return static_cast<double>(i_);
  case Kind::UInt:
    return static_cast<double>(u_);
  case Kind::Float:
    return d_;
  default:
    return std::nullopt;
  }
}

const JMember *JValue::findMember(std::string_view key) const {
  for (const JMember &m : obj_)
    if (m.key == key)
      return &m;
  return nullptr;
}

const JValue *JValue::find(std::string_view key) const {
  const JMember *m = findMember(key);
  return m ? &m->value : nullptr;
}

const char *JValue::kindName(Kind k) {
  switch (k) {
  case Kind::Null:
    return "null";
  case Kind::Bool:
    return "a boolean";
  case Kind::Int:
  case Kind::UInt:
    return "an integer";
  case Kind::Float:
    return "a number with a fraction";
  case Kind::String:
    return "a string";
  case Kind::Array:
    return "an array";
  case Kind::Object:
    return "an object";
  }
  return "a value";
}

JValue JValue::makeBool(bool v, SourcePos p) {
  JValue j(Kind::Bool, p);
  j.b_ = v;
  return j;
}
JValue JValue::makeInt(int64_t v, SourcePos p) {
  JValue j(Kind::Int, p);
  j.i_ = v;
  return j;
}
JValue JValue::makeUInt(uint64_t v, SourcePos p) {
  JValue j(Kind::UInt, p);
  j.u_ = v;
  return j;
}
JValue JValue::makeFloat(double v, SourcePos p) {
  JValue j(Kind::Float, p);
  j.d_ = v;
  return j;
}
JValue JValue::makeString(std::string v, SourcePos p) {
  JValue j(Kind::String, p);
  j.s_ = std::move(v);
  return j;
}

//===----------------------------------------------------------------------===//
// Position tracking
//===----------------------------------------------------------------------===//

namespace {

/// Maps byte offsets to line:col and finds token starts in the raw text.
class TextCursor {
public:
  explicit TextCursor(std::string_view text) : text_(text) {
    // nlohmann skips a UTF-8 byte order mark; so do we, and columns on the
    // first line count from after it, as an editor shows them.
    if (text_.size() >= 3 && text_.substr(0, 3) == "\xEF\xBB\xBF")
      cur_ = 3;
    lineStarts_.push_back(cur_);
    for (size_t i = 0; i < text_.size(); ++i)
      if (text_[i] == '\n')
        lineStarts_.push_back(i + 1);
  }

  SourcePos posOf(size_t off) const {
    auto it = std::upper_bound(lineStarts_.begin(), lineStarts_.end(), off);
    size_t line = static_cast<size_t>(it - lineStarts_.begin());
    if (line == 0) // inside the byte order mark; cannot happen for tokens
      return {1, 1};
    return {static_cast<unsigned>(line),
            static_cast<unsigned>(off - lineStarts_[line - 1] + 1)};
  }

  /// Skips whitespace and comments (and, when asked, `,` and `:`) from `p`.
  size_t skipTrivia(size_t p, bool separatorsToo) const {
    while (p < text_.size()) {
      char c = text_[p];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
          (separatorsToo && (c == ',' || c == ':'))) {
        ++p;
      } else if (c == '/' && p + 1 < text_.size() && text_[p + 1] == '/') {
        size_t nl = text_.find('\n', p + 2);
        p = nl == std::string_view::npos ? text_.size() : nl + 1;
      } else if (c == '/' && p + 1 < text_.size() && text_[p + 1] == '*') {
        size_t end = text_.find("*/", p + 2);
        p = end == std::string_view::npos ? text_.size() : end + 2;
      } else {
        break;
      }
    }
    return p;
  }

  /// End (one past) of the token starting at `p`. Loose on purpose: the
  /// token was already validated by nlohmann's lexer (or is the broken one
  /// we only need the start of).
  size_t tokenEnd(size_t p) const {
    if (p >= text_.size())
      return p;
    char c = text_[p];
    if (c == '"') {
      ++p;
      while (p < text_.size() && text_[p] != '"')
        p += text_[p] == '\\' ? 2 : 1;
      return std::min(p + 1, text_.size());
    }
    auto isWordChar = [](char ch) {
      return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
             (ch >= 'A' && ch <= 'Z') || ch == '+' || ch == '-' || ch == '.';
    };
    if (!isWordChar(c))
      return p + 1; // { } [ ] , : or a stray byte
    while (p < text_.size() && isWordChar(text_[p]))
      ++p;
    return p;
  }

  /// Called once per SAX event: returns the position of the event's token
  /// and moves past it.
  SourcePos nextToken() {
    size_t start = skipTrivia(cur_, /*separatorsToo=*/true);
    cur_ = tokenEnd(start);
    return posOf(start);
  }

  /// Where the token that made nlohmann fail starts. `consumed` is the byte
  /// count nlohmann's lexer had read. Since our cursor stands after the last
  /// token that produced an event, the parser can have accepted at most one
  /// separator (`,` or `:`) since; if the first token is a separator and the
  /// lexer read beyond it, the culprit is the token after it.
  SourcePos errorPos(size_t consumed) const {
    size_t s1 = skipTrivia(cur_, false);
    if (s1 < text_.size() && (text_[s1] == ',' || text_[s1] == ':') &&
        consumed > s1 + 1)
      s1 = skipTrivia(s1 + 1, false);
    return posOf(std::min(s1, text_.size()));
  }

private:
  std::string_view text_;
  std::vector<size_t> lineStarts_;
  size_t cur_ = 0;
};

/// Turns "[json.exception.parse_error.101] parse error at line 1, column 5:
/// syntax error ..." into "syntax error ...": our own position replaces
/// nlohmann's, which points past the offending token.
std::string cleanNlohmannMessage(const std::string &what) {
  std::string msg = what;
  if (!msg.empty() && msg[0] == '[') {
    size_t close = msg.find("] ");
    if (close != std::string::npos)
      msg = msg.substr(close + 2);
  }
  if (msg.rfind("parse error", 0) == 0) {
    size_t colon = msg.find(": ");
    if (colon != std::string::npos)
      msg = msg.substr(colon + 2);
  }
  return msg;
}

using njson = nlohmann::json;

/// Builds the JValue tree from SAX events.
class DomBuilder : public nlohmann::json_sax<njson> {
public:
  explicit DomBuilder(std::string_view text) : cursor_(text) {}

  bool null() override { return addValue(JValue(JValue::Kind::Null, tok())); }
  bool boolean(bool v) override { return addValue(JValue::makeBool(v, tok())); }
  bool number_integer(number_integer_t v) override {
    return addValue(JValue::makeInt(v, tok()));
  }
  bool number_unsigned(number_unsigned_t v) override {
    return addValue(JValue::makeUInt(v, tok()));
  }
  bool number_float(number_float_t v, const string_t &) override {
    return addValue(JValue::makeFloat(v, tok()));
  }
  bool string(string_t &v) override {
    return addValue(JValue::makeString(std::move(v), tok()));
  }
  bool binary(binary_t &) override {
    // Only reachable for binary formats, which we never ask for.
    return fail("malformed JSON: binary value", tok());
  }

  bool start_object(std::size_t) override { return open(JValue::Kind::Object); }
  bool start_array(std::size_t) override { return open(JValue::Kind::Array); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }

  bool key(string_t &k) override {
    SourcePos p = tok();
    JValue *obj = stack_.back();
    auto &seen = keyIndex_.back();
    auto [it, inserted] = seen.emplace(k, obj->mutableMembers().size());
    if (!inserted) {
      const JMember &first = obj->members()[it->second];
      return fail("duplicate key '" + k + "' in object (first at " +
                      first.keyPos.str() + ")",
                  p);
    }
    obj->mutableMembers().push_back(JMember{std::move(k), p, JValue()});
    return true;
  }

  bool parse_error(std::size_t position, const std::string &,
                   const nlohmann::detail::exception &ex) override {
    if (error.empty()) {
      error = "malformed JSON: " + cleanNlohmann(ex.what());
      errorPos = cursor_.errorPos(position);
    }
    return false;
  }

  JValue root;
  std::string error;
  SourcePos errorPos;

private:
  static std::string cleanNlohmann(const char *what) {
    return cleanNlohmannMessage(what);
  }

  SourcePos tok() { return cursor_.nextToken(); }

  bool fail(std::string msg, SourcePos p) {
    error = std::move(msg);
    errorPos = p;
    return false;
  }

  /// Places `v` where the grammar says the next value goes and returns a
  /// pointer to it.
  JValue *place(JValue v) {
    if (stack_.empty()) {
      root = std::move(v);
      return &root;
    }
    JValue *parent = stack_.back();
    if (parent->isArray()) {
      parent->mutableElements().push_back(std::move(v));
      return &parent->mutableElements().back();
    }
    // In an object, key() has just appended a member whose value this is.
    JMember &m = parent->mutableMembers().back();
    m.value = std::move(v);
    return &m.value;
  }

  bool addValue(JValue v) {
    place(std::move(v));
    return true;
  }

  bool open(JValue::Kind k) {
    SourcePos p = tok();
    if (stack_.size() >= kMaxJsonDepth)
      return fail("malformed JSON: nesting is deeper than " +
                      std::to_string(kMaxJsonDepth) + " levels",
                  p);
    // Pointers on the stack stay valid: only the innermost container grows
    // until it is closed.
    stack_.push_back(place(JValue(k, p)));
    keyIndex_.emplace_back();
    return true;
  }

  bool close() {
    tok();
    stack_.pop_back();
    keyIndex_.pop_back();
    return true;
  }

  TextCursor cursor_;
  std::vector<JValue *> stack_;
  std::vector<std::unordered_map<std::string, size_t>> keyIndex_;
};

} // namespace

std::optional<JValue> parseJson(std::string_view text, std::string &error,
                                SourcePos &errorPos) {
  DomBuilder builder(text);
  bool ok = njson::sax_parse(text.begin(), text.end(), &builder,
                             njson::input_format_t::json, /*strict=*/true,
                             /*ignore_comments=*/true);
  if (!ok || !builder.error.empty()) {
    error = builder.error.empty() ? "malformed JSON" : builder.error;
    errorPos = builder.errorPos;
    return std::nullopt;
  }
  return std::move(builder.root);
}

} // namespace dlc
