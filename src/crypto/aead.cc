#include "crypto/aead.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdlib>
#include <memory>

namespace arbor::crypto {
namespace {

// OpenSSL's update calls take an int length: feed large inputs in pieces.
constexpr size_t kMaxUpdate = size_t{1} << 30;

const unsigned char* U8(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* U8(char* p) { return reinterpret_cast<unsigned char*>(p); }

// The cipher is fetched once (an implicit fetch on every init costs a lock and a lookup
// in OpenSSL 3) and each thread reuses one context.
const EVP_CIPHER* Cipher() {
  static EVP_CIPHER* cipher = [] {
    EVP_CIPHER* c = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
    if (c == nullptr) std::abort();  // OpenSSL without AES-GCM cannot run arbor
    return c;
  }();
  return cipher;
}

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};

EVP_CIPHER_CTX* ThreadContext() {
  thread_local std::unique_ptr<EVP_CIPHER_CTX, CtxFree> ctx(EVP_CIPHER_CTX_new());
  if (!ctx) std::abort();
  return ctx.get();
}

bool Update(EVP_CIPHER_CTX* ctx, unsigned char* out, std::string_view in) {
  while (!in.empty()) {
    size_t n = std::min(in.size(), kMaxUpdate);
    int len = 0;
    if (EVP_CipherUpdate(ctx, out, &len, U8(in), static_cast<int>(n)) != 1) return false;
    if (out != nullptr) out += len;
    in.remove_prefix(n);
  }
  return true;
}

// Nonces come from RAND_bytes in batches: one RAND_bytes call costs ~2.5 us here (its
// locking and reseed checks), which was most of a 4 KiB seal. The batch belongs to one
// thread of one process: a child forked after the batch was drawn would otherwise seal
// with the same nonces as its parent under the same key, which breaks GCM. The batch
// lives in a page of its own marked MADV_WIPEONFORK, which a child sees zeroed (0 nonces
// left), so no per-seal getpid() is needed (issue 17: a syscall per blob on a VM where
// syscalls are dear). Where the kernel cannot (before Linux 4.14), a change of pid
// discards the batch as before.
struct NonceBatch {
  std::array<unsigned char, kNonceBytes * 256> bytes;
  size_t left;  // unused nonces at the end of `bytes`; 0 after a fork
};

class ThreadNonces {
 public:
  ThreadNonces() {
    void* page =
        ::mmap(nullptr, sizeof(NonceBatch), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) std::abort();
    batch_ = static_cast<NonceBatch*>(page);  // zero-filled: empty
    wiped_on_fork_ = ::madvise(page, sizeof(NonceBatch), MADV_WIPEONFORK) == 0;
  }
  ~ThreadNonces() { ::munmap(batch_, sizeof(NonceBatch)); }
  ThreadNonces(const ThreadNonces&) = delete;
  ThreadNonces& operator=(const ThreadNonces&) = delete;

  std::string_view Next() {
    if (!wiped_on_fork_) {
      pid_t pid = getpid();
      if (pid != pid_) batch_->left = 0;
      pid_ = pid;
    }
    if (batch_->left == 0) {
      if (RAND_bytes(batch_->bytes.data(), static_cast<int>(batch_->bytes.size())) != 1) std::abort();
      batch_->left = batch_->bytes.size() / kNonceBytes;
    }
    size_t at = batch_->bytes.size() - batch_->left * kNonceBytes;
    batch_->left--;
    return {reinterpret_cast<const char*>(batch_->bytes.data()) + at, kNonceBytes};
  }

 private:
  NonceBatch* batch_ = nullptr;
  bool wiped_on_fork_ = false;
  pid_t pid_ = 0;  // without wiped_on_fork_: the process the batch was drawn in
};

std::string_view NextNonce() {
  thread_local ThreadNonces nonces;
  return nonces.Next();
}

}  // namespace

std::string AssociatedData(std::string_view label, std::string_view binding) {
  std::string ad;
  ad.reserve(label.size() + 1 + binding.size());
  ad.append(label);
  ad.push_back('\0');
  ad.append(binding);
  return ad;
}

Result<AeadKey> AeadKey::FromBytes(SecretBytes key) {
  if (key.size() != kAeadKeyBytes) return Status::InvalidArgument("an AES-256-GCM key must be 32 bytes");
  return AeadKey(std::move(key));
}

AeadKey AeadKey::Generate() { return AeadKey(SecretBytes::Random(kAeadKeyBytes)); }

std::string AeadKey::Seal(std::string_view plaintext, std::string_view ad) const {
  std::string out;
  SealTo(plaintext, ad, &out);
  return out;
}

void AeadKey::SealTo(std::string_view plaintext, std::string_view ad, std::string* out) const {
  SealWithNonce(NextNonce(), plaintext, ad, out);
}

std::string AeadKey::SealWithNonceForTesting(std::string_view nonce, std::string_view plaintext,
                                             std::string_view ad) const {
  std::string out;
  SealWithNonce(nonce, plaintext, ad, &out);
  return out;
}

namespace {

// Seals prefix || plaintext (one GCM message) with `nonce`, appended to *out.
void SealParts(std::string_view key, std::string_view nonce, std::string_view prefix,
               std::string_view plaintext, std::string_view ad, std::string* out) {
  if (nonce.size() != kNonceBytes) std::abort();  // a bug in the caller, never input
  size_t start = out->size();
  size_t length = prefix.size() + plaintext.size();
  out->resize(start + kNonceBytes + length + kTagBytes);
  char* base = out->data() + start;
  std::copy(nonce.begin(), nonce.end(), base);
  EVP_CIPHER_CTX* ctx = ThreadContext();
  int final_len = 0;
  // Failures here mean OpenSSL itself is broken (all sizes are checked above), and
  // returning an unsealed buffer would write garbage to the repository: stop.
  if (EVP_EncryptInit_ex2(ctx, Cipher(), U8(key), U8(nonce), nullptr) != 1 || !Update(ctx, nullptr, ad) ||
      !Update(ctx, U8(base + kNonceBytes), prefix) ||
      !Update(ctx, U8(base + kNonceBytes + prefix.size()), plaintext) ||
      EVP_EncryptFinal_ex(ctx, U8(base + kNonceBytes + length), &final_len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, kTagBytes, base + kNonceBytes + length) != 1) {
    std::abort();
  }
}

}  // namespace

void AeadKey::SealWithNonce(std::string_view nonce, std::string_view plaintext, std::string_view ad,
                            std::string* out) const {
  SealParts(key_.reveal(), nonce, {}, plaintext, ad, out);
}

void AeadKey::SealTwoPartsTo(std::string_view prefix, std::string_view plaintext, std::string_view ad,
                             std::string* out) const {
  SealParts(key_.reveal(), NextNonce(), prefix, plaintext, ad, out);
}

namespace {

Status TooShort(size_t size) {
  return Status::Corruption("sealed data is " + std::to_string(size) +
                            " bytes, shorter than nonce and tag (28)");
}

}  // namespace

Result<std::string> AeadKey::Open(std::string_view sealed, std::string_view ad) const {
  if (sealed.size() < kSealOverhead) return TooShort(sealed.size());
  std::string buffer(sealed);
  ARBOR_ASSIGN_OR_RETURN(std::string_view plaintext, OpenInPlace(buffer.data(), buffer.size(), ad));
  size_t length = plaintext.size();
  buffer.erase(0, kNonceBytes);
  buffer.resize(length);
  return buffer;
}

Result<std::string_view> AeadKey::OpenInPlace(char* sealed, size_t size, std::string_view ad) const {
  if (size < kSealOverhead) return TooShort(size);
  std::string_view nonce(sealed, kNonceBytes);
  char* plaintext = sealed + kNonceBytes;
  size_t length = size - kSealOverhead;
  std::string_view ciphertext(plaintext, length);
  // Copied out: SET_TAG wants a writable buffer.
  std::array<char, kTagBytes> tag;
  std::copy_n(plaintext + length, kTagBytes, tag.begin());
  EVP_CIPHER_CTX* ctx = ThreadContext();
  int final_len = 0;
  // The ciphertext is decrypted where it is: OpenSSL allows the output to be the input
  // exactly (only partial overlaps are refused).
  bool ok = EVP_DecryptInit_ex2(ctx, Cipher(), U8(key_.reveal()), U8(nonce), nullptr) == 1 &&
            Update(ctx, nullptr, ad) && Update(ctx, U8(plaintext), ciphertext) &&
            EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) == 1 &&
            EVP_DecryptFinal_ex(ctx, U8(plaintext + length), &final_len) == 1;
  if (!ok) {
    // Nothing of an unauthenticated plaintext is left behind.
    OPENSSL_cleanse(plaintext, length);
    return Status::Corruption(
        "authentication failed (the data was altered, sealed under another key, or moved from "
        "another object)");
  }
  return ciphertext;
}

}  // namespace arbor::crypto
