#include "resp/fuzz_harness.h"

#include <charconv>

#include "resp/request_parser.h"
#include "store/open_store.h"

namespace arbor::resp {
namespace {

// Reads one value at *pos; false when malformed or incomplete.
bool SkipValue(std::string_view b, size_t* pos, int depth) {
  if (depth > 64 || *pos >= b.size()) return false;
  size_t nl = b.find("\r\n", *pos);
  if (nl == std::string_view::npos) return false;
  char type = b[*pos];
  std::string_view line = b.substr(*pos + 1, nl - *pos - 1);
  *pos = nl + 2;
  int64_t n = 0;
  auto number = [&] {
    auto [end, ec] = std::from_chars(line.data(), line.data() + line.size(), n);
    return ec == std::errc() && end == line.data() + line.size();
  };
  switch (type) {
    case '+':
    case '-':
    case ',':
      return true;
    case ':':
      return number();
    case '_':
      return line.empty();
    case '#':
      return line == "t" || line == "f";
    case '$':
      if (!number() || n < -1) return false;
      if (n == -1) return true;
      if (b.size() < *pos + static_cast<size_t>(n) + 2 ||
          b.substr(*pos + static_cast<size_t>(n), 2) != "\r\n") {
        return false;
      }
      *pos += static_cast<size_t>(n) + 2;
      return true;
    case '*':
    case '~':
    case '%': {
      if (!number() || n < -1) return false;
      int64_t items = type == '%' ? n * 2 : n;
      for (int64_t i = 0; i < items; ++i) {
        if (!SkipValue(b, pos, depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

}  // namespace

int64_t CountReplies(std::string_view bytes) {
  size_t pos = 0;
  int64_t n = 0;
  while (pos < bytes.size()) {
    if (!SkipValue(bytes, &pos, 0)) return -1;
    ++n;
  }
  return n;
}

std::unique_ptr<FuzzHarness> FuzzHarness::Create(const std::string& dir) {
  auto store = OpenObjectStore(dir + "/repo", true);
  if (!store.ok()) return nullptr;
  auto repo = Repository::Init(std::move(store).value(), "default", "default", RepoConfig::NewRandom());
  if (!repo.ok()) return nullptr;
  std::unique_ptr<FuzzHarness> h(new FuzzHarness());
  h->repo_ = std::move(repo).value();
  EngineOptions options;
  options.data_dir = dir + "/meta";
  options.map_size = size_t{1} << 30;
  options.max_keys_reply = 1000;
  // Inputs per second, not durability, is what a fuzz run needs: without this every
  // input's group commit fsyncs (about 70 inputs/s under ASan).
  options.fsync = false;
  auto engine = Engine::Open(options, nullptr, h->repo_.get(), nullptr);
  if (!engine.ok()) return nullptr;
  h->engine_ = std::move(engine).value();
  return h;
}

FuzzHarness::~FuzzHarness() = default;

bool FuzzHarness::RunOnce(const uint8_t* data, size_t size, std::string* why) {
  ParserLimits limits;
  limits.max_bulk = 1 << 16;
  limits.max_frame = 1 << 18;
  limits.max_array = 1024;
  limits.max_inline = 1 << 12;
  RequestParser parser(limits);
  Session session;
  session.loopback = true;
  if (!engine_->Admit(session).ok()) {
    *why = "a loopback client was not admitted";
    return false;
  }
  std::string_view input(reinterpret_cast<const char*>(data), size);
  // The first byte says where the input is cut into two reads.
  size_t cut = size > 0 ? static_cast<size_t>(data[0]) * size / 256 : 0;
  std::string out;
  int64_t commands = 0;
  Args args;
  std::string error;
  for (std::string_view piece : {input.substr(0, cut), input.substr(cut)}) {
    parser.Feed(piece);
    if (parser.buffered() > limits.max_frame + size) {
      *why = "the parser holds more than a frame and the input";
      return false;
    }
    Engine::Batch batch(*engine_, session, &out);
    while (commands < 200 && parser.Next(&args, &error) == RequestParser::Result::kCommand) {
      batch.Run(args);
      ++commands;
    }
    batch.Finish();
  }
  engine_->Disconnected();
  int64_t replies = CountReplies(out);
  if (replies != commands) {
    *why = std::to_string(commands) + " commands got " + std::to_string(replies) +
           " replies: " + out.substr(0, 200);
    return false;
  }
  return true;
}

}  // namespace arbor::resp
