// resp_tree_client PORT NAME DIR: backs DIR up through the RESP server the way a thin
// client of the Data Database does (docs/resp.md, "Snapshots"), with hiredis: each file
// cut into parts of at most 64 KiB, the parts of a file sent with pipelined BPUT, each
// directory described with TREE.PUT once its subdirectories have their ids, and the
// root committed with SNAP.COMMIT NAME. Prints the snapshot id. Regular files,
// directories and symlinks only (anything else fails). For scenario_resp_snapshots.
#include <hiredis/hiredis.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

namespace {

constexpr size_t kPart = size_t{64} * 1024;

[[noreturn]] void Die(const std::string& message) {
  std::cerr << "resp_tree_client: " << message << "\n";
  std::exit(1);
}

struct ReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyFree>;

void Append(redisContext* c, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  if (redisAppendCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data()) != REDIS_OK) {
    Die(std::string("sending: ") + c->errstr);
  }
}

// The next reply, which must be a bulk string.
std::string NextBulk(redisContext* c, const std::string& what) {
  void* raw = nullptr;
  if (redisGetReply(c, &raw) != REDIS_OK) Die(what + ": " + c->errstr);
  Reply r(static_cast<redisReply*>(raw));
  if (r->type == REDIS_REPLY_ERROR) Die(what + ": " + std::string(r->str, r->len));
  if (r->type != REDIS_REPLY_STRING) Die(what + ": not a bulk reply");
  return std::string(r->str, r->len);
}

std::string Octal(mode_t mode) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%o", static_cast<unsigned>(mode & 07777));
  return buf;
}

std::string MtimeNs(const struct stat& st) {
  return std::to_string(static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec);
}

// The file's parts' hashes, concatenated (the server answers each BPUT with one).
std::string StoreFile(redisContext* c, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Die("cannot read " + path);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t parts = 0;
  for (size_t at = 0; at < content.size(); at += kPart, ++parts) {
    Append(c, {"BPUT", content.substr(at, kPart)});
  }
  std::string ref;
  for (size_t i = 0; i < parts; ++i) ref += NextBulk(c, "BPUT of a part of " + path);
  return ref;
}

// TREE.PUT of `dir` after its subdirectories; returns its tree id.
std::string StoreDir(redisContext* c, const std::filesystem::path& dir) {
  std::vector<std::string> args{"TREE.PUT"};
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::string path = entry.path().string();
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) Die("cannot stat " + path);
    std::string type, size = "0", ref;
    if (S_ISDIR(st.st_mode)) {
      type = "dir";
      ref = StoreDir(c, entry.path());
    } else if (S_ISLNK(st.st_mode)) {
      type = "symlink";
      ref = std::filesystem::read_symlink(entry.path()).string();
    } else if (S_ISREG(st.st_mode)) {
      type = "file";
      size = std::to_string(st.st_size);
      ref = StoreFile(c, path);
    } else {
      Die(path + " is not a file, directory or symlink");
    }
    args.insert(args.end(),
                {entry.path().filename().string(), type, Octal(st.st_mode), MtimeNs(st), size, ref});
  }
  Append(c, args);
  return NextBulk(c, "TREE.PUT of " + dir.string());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) Die("usage: resp_tree_client PORT NAME DIR");
  redisContext* c = redisConnect("127.0.0.1", std::atoi(argv[1]));
  if (c == nullptr || c->err != 0) Die("cannot connect");
  std::string root = StoreDir(c, argv[3]);
  Append(c, {"SNAP.COMMIT", argv[2], root});
  std::cout << NextBulk(c, "SNAP.COMMIT") << "\n";
  redisFree(c);
  return 0;
}
