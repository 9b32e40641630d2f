// Built into `patchbay` only in sanitizer builds (PATCHBAY_SANITIZE): AddressSanitizer reads
// these defaults before ASAN_OPTIONS, which can still override them.
//
// intercept_tls_get_addr=0: the plugins are dlopen()ed and some keep thread_local state, which
// glibc puts in dynamic TLS blocks it allocates with malloc(). With the interception on, ASan
// records each block for LeakSanitizer from a guess of how glibc 2.19 laid them out: a block
// whose address is 16 bytes past a page boundary is taken to follow a {size, start} header, so
// the 16 bytes before it (here: the ASan chunk header) are read as that range. LeakSanitizer then
// scans it at exit, and its stop-the-world tracer faults ("Tracer caught signal 11: addr=0x12e8",
// exit 134 on SIGTERM). Where a block lands depends on every allocation before it, so the crash
// followed one test on CI and never came locally. Without the interception nothing is lost: the
// blocks are heap chunks the thread's DTV points to, so the leak check still reaches them.
// (LLVM later asks its allocator for the block's bounds instead; clang-14's runtime guesses.)
extern "C" const char* __asan_default_options() { return "intercept_tls_get_addr=0"; }
