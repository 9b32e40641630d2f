// outgoing_load: the native load generator of bench/outgoing (see README.md). Posts "<word> <n>"
// to a running, set-up patchbay (open or closed loop, poster.h), receives the deliveries of the
// outgoing webhook that word triggers on its own thread (callback_receiver.h), samples the
// server's RSS and CPU time from /proc, and prints the figures. It does no set-up:
// outgoing_bench.mjs --native starts patchbay, creates the user, team, channel and hook, and
// runs it with the token, channel id and callback port. It assumes patchbay's event loop runs on
// its main thread (it does: `patchbay serve`), whose run-queue wait it reports.
//
// Exit status: 0 after a run that acknowledged posts (the figures say whether the rate held),
// 1 the callback port could not be bound, 2 options the poster refuses (CLI11 exits with its own
// codes for options it cannot parse), 3 nothing was acknowledged.
#include <sys/resource.h>
#include <unistd.h>
#include <uv.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "bench/outgoing/callback_receiver.h"
#include "bench/outgoing/latency_summary.h"
#include "bench/outgoing/poster.h"
#include "bench/outgoing/proc_stats.h"
#include "bench/outgoing/run_latencies.h"

namespace pb::bench {
namespace {

struct Options {
  PosterOptions poster;
  uint16_t callback_port = 0;
  int server_pid = 0;
  double rss_every_s = 1;
  double drain_timeout_s = 10;
};

uint64_t process_cpu_ns() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto ns = [](const timeval& t) {
    return static_cast<uint64_t>(t.tv_sec) * 1'000'000'000 + static_cast<uint64_t>(t.tv_usec) * 1000;
  };
  return ns(usage.ru_utime) + ns(usage.ru_stime);
}

// Drives one run on `loop`: posting, then waiting for the deliveries, sampling the server on a
// timer throughout. Loop thread only.
class Run {
 public:
  Run(uv_loop_t* loop, const Options& options, Poster& poster, CallbackReceiver& receiver)
      : loop_(loop), options_(options), poster_(poster), receiver_(receiver) {
    uv_timer_init(loop_, &sampler_);
    uv_timer_init(loop_, &drain_);
    uv_timer_init(loop_, &give_up_);
    sampler_.data = drain_.data = give_up_.data = this;
  }

  void start() {
    sched_at_start_ = sched_now();
    sample();
    server_cpu0_ = server_cpu();
    tool_cpu0_ = process_cpu_ns();
    started_ns_ = uv_hrtime();
    auto every = static_cast<uint64_t>(options_.rss_every_s * 1000);
    if (every > 0) uv_timer_start(&sampler_, [](uv_timer_t* t) { static_cast<Run*>(t->data)->sample(); }, every, every);
    // However the server behaves, the run ends: the duration, the drain, and a minute of slack.
    auto limit = static_cast<uint64_t>((options_.poster.duration_s + options_.drain_timeout_s + 60) * 1000);
    uv_timer_start(&give_up_, [](uv_timer_t* t) {
      auto* self = static_cast<Run*>(t->data);
      self->gave_up_ = true;
      self->finish();
    }, limit, 0);
    poster_.start([this] { posting_done(); });
  }

  // The threads whose run-queue waits are reported: patchbay's loop (its main thread), this
  // tool's poster (this thread) and receiver.
  static constexpr size_t kThreads = 3;
  std::vector<MemorySample> rss;
  SchedSample sched[kThreads];  // over the run: ran, waited for a CPU
  uint64_t server_cpu_ns = 0, tool_cpu_ns = 0, elapsed_ns = 0;
  bool server_gone = false, gave_up_ = false;

 private:
  void sample() {
    auto m = read_memory(options_.server_pid);
    if (m) rss.push_back(*m); else server_gone = true;
  }
  std::array<SchedSample, kThreads> sched_now() const {
    std::array<SchedSample, kThreads> out{};
    const pid_t self = getpid();
    const std::pair<pid_t, pid_t> threads[kThreads] = {
        {options_.server_pid, options_.server_pid}, {self, gettid()}, {self, receiver_.thread_id()}};
    for (size_t i = 0; i < kThreads; ++i) {
      auto s = read_schedstat(threads[i].first, threads[i].second);
      if (s) out[i] = *s;
    }
    return out;
  }
  uint64_t server_cpu() {
    auto c = read_cpu_ns(options_.server_pid);
    if (!c) server_gone = true;
    return c ? *c : 0;
  }
  void posting_done() {
    drain_until_ns_ = uv_hrtime() + static_cast<uint64_t>(options_.drain_timeout_s * 1e9);
    uv_timer_start(&drain_, [](uv_timer_t* t) {
      auto* self = static_cast<Run*>(t->data);
      if (self->receiver_.received() >= self->poster_.acknowledged() || uv_hrtime() >= self->drain_until_ns_)
        self->finish();
    }, 0, 10);
  }
  void finish() {
    if (finished_) return;
    finished_ = true;
    elapsed_ns = uv_hrtime() - started_ns_;
    server_cpu_ns = server_cpu() - server_cpu0_;
    tool_cpu_ns = process_cpu_ns() - tool_cpu0_;
    auto sched_at_end = sched_now();
    for (size_t i = 0; i < kThreads; ++i) {
      sched[i].run_ns = sched_at_end[i].run_ns - sched_at_start_[i].run_ns;
      sched[i].wait_ns = sched_at_end[i].wait_ns - sched_at_start_[i].wait_ns;
    }
    sample();
    for (uv_timer_t* t : {&sampler_, &drain_, &give_up_}) uv_close(reinterpret_cast<uv_handle_t*>(t), nullptr);
    poster_.close();
  }

  uv_loop_t* loop_;
  const Options& options_;
  Poster& poster_;
  CallbackReceiver& receiver_;
  uv_timer_t sampler_{}, drain_{}, give_up_{};
  std::array<SchedSample, kThreads> sched_at_start_{};
  uint64_t started_ns_ = 0, drain_until_ns_ = 0, server_cpu0_ = 0, tool_cpu0_ = 0;
  bool finished_ = false;
};

double ms(uint64_t ns) { return static_cast<double>(ns) / 1e6; }

std::string series_mib(const std::vector<MemorySample>& samples, bool anon) {
  std::string out;
  for (const auto& m : samples) out += fmt::format("{:.1f} ", static_cast<double>(anon ? m.anon_kb : m.rss_kb) / 1024);
  return out;
}

void report(const Options& o, const Run& run, const Poster& poster, const CallbackReceiver& receiver,
            const std::string& load_before) {
  const auto& p = o.poster;
  RunLatencies lat = collect_latencies(poster.times(), receiver.receive_times(), poster.issued());
  const uint64_t acked = poster.acknowledged();
  const double post_seconds =
      poster.last_ack_ns() > poster.started_ns() ? ms(poster.last_ack_ns() - poster.started_ns()) / 1000 : 0;
  const double rate = post_seconds > 0 ? static_cast<double>(acked) / post_seconds : 0;
  const double elapsed_s = ms(run.elapsed_ns) / 1000;

  fmt::print("1. posts/s acknowledged:              {:.1f} ({} acknowledged of {} issued, {} failed{}{}) over {:.1f} s\n",
             rate, acked, poster.issued(), poster.failed(), poster.failure_summary().empty() ? "" : "; ",
             poster.failure_summary(), post_seconds);
  if (poster.aborted_after_ns() != 0)
    fmt::print("   NOT SUSTAINED: over {} posts waiting for a connection after {:.1f} s; issuing stopped there\n",
               p.max_backlog, ms(poster.aborted_after_ns()) / 1000);
  if (run.gave_up_) fmt::print("   GAVE UP waiting: {} posts never answered\n", poster.issued() - poster.acknowledged() - poster.failed());
  if (run.server_gone) fmt::print("   THE SERVER WENT AWAY during the run (/proc/{} unreadable)\n", o.server_pid);
  if (p.rate > 0) {
    fmt::print("   issuer lag behind schedule (ms):     {}\n", format_ms(summarize(lat.issuer_lag)));
  }
  fmt::print("   issued → written to a connection (ms): {} ({} posts found every connection busy)\n",
             format_ms(summarize(lat.connection_wait)), poster.waited_for_connection());
  fmt::print("   deliveries received:                 {} of {} acknowledged ({} missing; {} duplicates, {} requests naming no post of the run) over {:.1f} s, on at most {} connections at once\n",
             lat.delivered, acked, lat.acked_not_delivered, receiver.duplicates(), receiver.unmatched(), elapsed_s,
             receiver.connections());
  fmt::print("   server CPU:                          {:.1f}% of one core, {:.1f} µs per acknowledged post and its delivery\n",
             elapsed_s > 0 ? 100 * ms(run.server_cpu_ns) / 1000 / elapsed_s : 0,
             acked ? static_cast<double>(run.server_cpu_ns) / 1000 / static_cast<double>(acked) : 0);
  fmt::print("   load tool CPU (both threads):        {:.1f}% of one core, {:.1f} µs per post (receiver thread {:.1f} s)\n",
             elapsed_s > 0 ? 100 * ms(run.tool_cpu_ns) / 1000 / elapsed_s : 0,
             acked ? static_cast<double>(run.tool_cpu_ns) / 1000 / static_cast<double>(acked) : 0,
             ms(receiver.thread_cpu_ns()) / 1000);
  auto secs = [](uint64_t ns) { return static_cast<double>(ns) / 1e9; };
  fmt::print("   waited for a CPU while runnable (s): patchbay's loop {:.2f} (it ran {:.2f}), the tool's poster {:.2f} (ran {:.2f}), receiver {:.2f} (ran {:.2f}), over {:.1f} s\n",
             secs(run.sched[0].wait_ns), secs(run.sched[0].run_ns), secs(run.sched[1].wait_ns),
             secs(run.sched[1].run_ns), secs(run.sched[2].wait_ns), secs(run.sched[2].run_ns), elapsed_s);
  fmt::print("   post scheduled → acknowledged (ms):  {}\n", format_ms(summarize(lat.scheduled_to_ack)));
  fmt::print("   post ack → callback received (ms):   {} ({} callbacks before the 201 was read: 0)\n",
             format_ms(summarize(lat.ack_to_callback)), lat.callbacks_before_ack);
  fmt::print("   scheduled → callback received (ms):  {}\n", format_ms(summarize(lat.scheduled_to_callback)));
  if (o.rss_every_s > 0) {
    auto windows = latencies_by_window(poster.times(), receiver.receive_times(), poster.issued(),
                                       poster.started_ns(), static_cast<uint64_t>(o.rss_every_s * 1e9));
    std::string acks, cbs, counts;
    for (const auto& w : windows) {
      acks += fmt::format("{:.1f} ", ms(w.p99_scheduled_to_ack_ns));
      cbs += fmt::format("{:.1f} ", ms(w.p99_ack_to_callback_ns));
      counts += fmt::format("{} ", w.posts);
    }
    fmt::print("   per {} s of schedule: posts          {}\n", o.rss_every_s, counts);
    fmt::print("     p99 scheduled → ack (ms)           {}\n", acks);
    fmt::print("     p99 ack → callback (ms)            {}\n", cbs);
  }
  fmt::print("   server RSS (MiB) every {} s:         {}\n", o.rss_every_s, series_mib(run.rss, false));
  fmt::print("   of which anonymous (MiB, heap):      {}\n", series_mib(run.rss, true));
  const bool held = p.rate > 0 && poster.aborted_after_ns() == 0 && rate >= 0.99 * p.rate && poster.failed() == 0;
  if (p.rate > 0) {
    fmt::print("   rate held (≥ 99% of {} acknowledged/s, nothing failed, not aborted): {}; every delivery received: {}\n",
               p.rate, held ? "yes" : "NO", lat.acked_not_delivered == 0 && acked > 0 ? "yes" : "NO");
  }
  fmt::print("load average before: {} after: {}\n", load_before, load_average());
}

int run_main(int argc, char** argv) {
  Options o;
  CLI::App app{"outgoing_load: posts at a fixed rate (or flat out) and receives the outgoing-webhook deliveries"};
  app.add_option("--port", o.poster.port, "patchbay's port on 127.0.0.1")->required();
  app.add_option("--token", o.poster.token, "session token")->required();
  app.add_option("--channel", o.poster.channel_id, "channel id to post in")->required();
  app.add_option("--server-pid", o.server_pid, "patchbay's pid (RSS, CPU time)")->required();
  app.add_option("--callback-port", o.callback_port, "port of the callback endpoint (the hook's URL)")->required();
  app.add_option("--word", o.poster.word, "the hook's trigger word")->capture_default_str();
  app.add_option("--rate", o.poster.rate, "posts/s (open loop); 0: closed loop")->capture_default_str();
  app.add_option("--duration", o.poster.duration_s, "seconds of posting")->capture_default_str();
  app.add_option("--connections", o.poster.connections, "keep-alive connections, at most")->capture_default_str();
  app.add_option("--max-backlog", o.poster.max_backlog, "posts waiting for a connection before the run gives up")
      ->capture_default_str();
  app.add_option("--rss-every", o.rss_every_s, "seconds between RSS samples (and latency windows)")->capture_default_str();
  app.add_option("--drain-timeout", o.drain_timeout_s, "seconds to wait for deliveries after the last post")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  // Open loop: exactly rate * duration posts. Closed loop: room for 60,000 posts/s, far above
  // what one loop thread serves here (the run stops posting when the room is used up).
  o.poster.capacity = o.poster.rate > 0
                          ? static_cast<size_t>(std::ceil(o.poster.rate * o.poster.duration_s)) + 1
                          : static_cast<size_t>(std::ceil(60000 * o.poster.duration_s)) + 1;

  auto receiver = CallbackReceiver::start(o.callback_port, o.poster.word, o.poster.capacity);
  if (!receiver) {
    fmt::print(stderr, "{}\n", receiver.error().message);
    return 1;
  }
  uv_loop_t loop;
  uv_loop_init(&loop);
  auto poster = Poster::create(&loop, o.poster);
  if (!poster) {
    fmt::print(stderr, "{}\n", poster.error().message);
    return 2;
  }
  const std::string mode = o.poster.rate > 0
                               ? fmt::format("open loop at {} posts/s over at most {} connections", o.poster.rate,
                                             o.poster.connections)
                               : fmt::format("closed loop, {} connections flat out", o.poster.connections);
  fmt::print("outgoing webhooks, native load tool — {}, {} s, callback server on port {}\n", mode,
             o.poster.duration_s, (*receiver)->port());
  const std::string load_before = load_average();
  Run run(&loop, o, **poster, **receiver);
  run.start();
  uv_run(&loop, UV_RUN_DEFAULT);
  (*receiver)->stop();
  report(o, run, **poster, **receiver, load_before);
  uv_loop_close(&loop);
  return (*poster)->acknowledged() > 0 ? 0 : 3;  // a run with nothing acknowledged measured nothing
}

}  // namespace
}  // namespace pb::bench

int main(int argc, char** argv) { return pb::bench::run_main(argc, argv); }
