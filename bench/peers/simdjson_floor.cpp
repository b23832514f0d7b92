// The parse floor for `make bench`: what reading a JSON-lines log costs with simdjson (Debian's
// libsimdjson-dev), doing the least a fold of the log needs.
//
//     g++ -O2 -march=native -std=c++20 bench/peers/simdjson_floor.cpp -o simdjson_floor -lsimdjson
//     simdjson_floor FILE
//
// (-march=native lets the header's On-Demand code use the CPU's SIMD kernel at compile time, as simdjson
// advises; the indexing stage picks it at run time either way. bench/run.py builds it into .build/bench.)
//
// Reads FILE in 4 MiB blocks cut at line ends (memory stays bounded, as a streaming reader's must), parses
// every line with simdjson's On-Demand `iterate_many`, and pulls out the keys the fold reads: `task_uuid`,
// `task_level`, `timestamp`, `action_type`, `action_status`, `message_type` and the monitor's ids
// (`deferred_id`, `index`, `on`, `to`). It groups lines by `task_uuid` (a count per task in a hash map) and
// folds every value it pulls out into a checksum, so the compiler cannot skip any of the work. Prints one JSON
// line: {"lines": N, "tasks": T, "checksum": C}. Exits 1 on unreadable input or a line that is not JSON.
// One core: the reading, the parse and the fold run on the main thread, one after another.
#include <simdjson.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace {

using namespace simdjson;

constexpr size_t kBlock = 4u << 20;

// FNV-1a over a string's bytes: every byte of every string the fold reads is touched.
inline uint64_t fnv(uint64_t hash, std::string_view text) {
  for (unsigned char byte : text) {
    hash = (hash ^ byte) * 1099511628211ull;
  }
  return hash;
}

// A hash map keyed by std::string that can be looked up with a string_view (no allocation per line).
struct ViewHash {
  using is_transparent = void;
  size_t operator()(std::string_view text) const noexcept { return std::hash<std::string_view>{}(text); }
};

struct Fold {
  std::unordered_map<std::string, uint64_t, ViewHash, std::equal_to<>> tasks;
  uint64_t lines = 0;
  uint64_t checksum = 14695981039346656037ull;

  void count_task(std::string_view uuid) {
    auto found = tasks.find(uuid);
    if (found == tasks.end()) {
      tasks.emplace(std::string(uuid), 1);
    } else {
      found->second += 1;
    }
  }

  // An id the monitor writes as an integer; anything else still counts, by its JSON text.
  void take_int(ondemand::value value) {
    int64_t number = 0;
    if (value.get_int64().get(number) == SUCCESS) {
      checksum = checksum * 31 + static_cast<uint64_t>(number);
    } else {
      checksum = fnv(checksum, value.raw_json_token());
    }
  }

  void take_string(ondemand::value value) {
    std::string_view text;
    if (value.get_string().get(text) == SUCCESS) {
      checksum = fnv(checksum, text);
    } else {
      checksum = fnv(checksum, value.raw_json_token());
    }
  }

  error_code take_task(ondemand::value value) {
    std::string_view uuid;
    if (auto error = value.get_string().get(uuid)) {
      return error;
    }
    checksum = fnv(checksum, uuid);
    count_task(uuid);
    return SUCCESS;
  }

  error_code take_level(ondemand::value value) {
    ondemand::array levels;
    if (auto error = value.get_array().get(levels)) {
      return error;
    }
    for (auto level : levels) {
      int64_t number = 0;
      if (auto error = level.get_int64().get(number)) {
        return error;
      }
      checksum = checksum * 31 + static_cast<uint64_t>(number);
    }
    return SUCCESS;
  }

  error_code take_timestamp(ondemand::value value) {
    double seconds = 0;
    if (auto error = value.get_double().get(seconds)) {
      return error;
    }
    uint64_t bits = 0;
    std::memcpy(&bits, &seconds, sizeof bits);
    checksum ^= bits;
    return SUCCESS;
  }

  error_code line(ondemand::document_reference document) {
    ondemand::object object;
    if (auto error = document.get_object().get(object)) {
      return error;
    }
    for (auto field : object) {
      // The key as written (no copy, no unescaping): its first byte picks the candidates.
      ondemand::raw_json_string key;
      if (auto error = field.key().get(key)) {
        return error;
      }
      ondemand::value value = field.value();
      error_code error = SUCCESS;
      switch (key.raw()[0]) {
        case 't':
          if (key == "task_uuid") {
            error = take_task(value);
          } else if (key == "task_level") {
            error = take_level(value);
          } else if (key == "timestamp") {
            error = take_timestamp(value);
          } else if (key == "to") {
            take_int(value);
          }
          break;
        case 'a':
          if (key == "action_type" || key == "action_status") {
            take_string(value);
          }
          break;
        case 'm':
          if (key == "message_type") {
            take_string(value);
          }
          break;
        case 'd':
          if (key == "deferred_id") {
            take_int(value);
          }
          break;
        case 'i':
          if (key == "index") {
            take_int(value);
          }
          break;
        case 'o':
          if (key == "on") {
            take_int(value);
          }
          break;
        default:
          break;
      }
      if (error != SUCCESS) {
        return error;
      }
    }
    lines += 1;
    return SUCCESS;
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: simdjson_floor FILE\n");
    return 2;
  }
  std::FILE* file = std::fopen(argv[1], "rb");
  if (file == nullptr) {
    std::perror(argv[1]);
    return 1;
  }
  // The block, the part of a line carried over from the previous block, and simdjson's padding.
  std::vector<char> buffer(2 * kBlock + SIMDJSON_PADDING);
  size_t filled = 0;
  ondemand::parser parser;
  Fold fold;
  fold.tasks.reserve(1 << 16);
  bool at_end = false;
  while (!at_end) {
    if (buffer.size() - SIMDJSON_PADDING - filled < kBlock) {
      buffer.resize(filled + kBlock + SIMDJSON_PADDING);  // one line longer than a block: grow
    }
    size_t got = std::fread(buffer.data() + filled, 1, kBlock, file);
    if (got == 0 && std::ferror(file)) {
      std::perror(argv[1]);
      return 1;
    }
    filled += got;
    at_end = got == 0;
    // Parse up to the last line end (everything, at the end of the file); keep the rest for the next block.
    size_t usable = filled;
    if (!at_end) {
      const char* last = static_cast<const char*>(memrchr(buffer.data(), '\n', filled));
      if (last == nullptr) {
        continue;
      }
      usable = static_cast<size_t>(last - buffer.data()) + 1;
    }
    if (usable > 0) {
      ondemand::document_stream stream;
      // One batch per block: a batch must hold the longest line, and the block does. With one batch per call
      // simdjson has no next batch to index on a second thread: the floor is one core's.
      size_t batch = usable < ondemand::DEFAULT_BATCH_SIZE ? ondemand::DEFAULT_BATCH_SIZE : usable;
      if (auto error = parser.iterate_many(buffer.data(), usable, batch).get(stream)) {
        std::fprintf(stderr, "simdjson: %s\n", error_message(error));
        return 1;
      }
      for (auto document : stream) {
        ondemand::document_reference reference;
        error_code error = std::move(document).get(reference);
        if (error == SUCCESS) {
          error = fold.line(reference);
        }
        if (error != SUCCESS) {
          std::fprintf(stderr, "simdjson: line %llu: %s\n",
                       static_cast<unsigned long long>(fold.lines + 1), error_message(error));
          return 1;
        }
      }
      if (stream.truncated_bytes() > 0) {
        std::fprintf(stderr, "simdjson: line %llu: cut off\n", static_cast<unsigned long long>(fold.lines + 1));
        return 1;
      }
      std::memmove(buffer.data(), buffer.data() + usable, filled - usable);
      filled -= usable;
    }
  }
  std::fclose(file);
  std::printf("{\"lines\": %llu, \"tasks\": %zu, \"checksum\": %llu}\n",
              static_cast<unsigned long long>(fold.lines), fold.tasks.size(),
              static_cast<unsigned long long>(fold.checksum));
  return 0;
}
