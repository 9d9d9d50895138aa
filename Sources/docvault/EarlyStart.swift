import VaultCore

#if canImport(Glibc)
    import Glibc
#endif

/// Starts building OpenSSL's tables from the executable's initialiser, before `main` runs.
///
/// glibc calls every `.init_array` entry with `argc`, `argv` and `envp` once the libraries are
/// loaded. Unprioritised entries run in link order: this one runs right after the Swift image
/// is registered (`swift_image_constructor`) and before the runtime's, libdispatch's, ICU's and
/// Foundation's static initialisers, which take about 0.7 ms. The thread makes only C calls into
/// OpenSSL under a `swift_once`, so it needs none of them. Only `help` and a bare option skip
/// it; any other first word, even a wrong one, starts the thread, which an early exit leaves
/// behind safely (``OpenSSLStartup``).
@used @section(".init_array")
let startOpenSSLBeforeMain: @convention(c) (Int32, UnsafePointer<UnsafePointer<CChar>?>?, UnsafeRawPointer?) -> Void =
    startOpenSSLIfACommandIsNamed

/// Calls ``OpenSSLStartup/begin()`` unless the command line is empty, `help`, or starts with an option.
func startOpenSSLIfACommandIsNamed(
    _ count: Int32, _ arguments: UnsafePointer<UnsafePointer<CChar>?>?, _: UnsafeRawPointer?
) {
    guard count > 1, let first = arguments?[1], first[0] != 0x2D, strcmp(first, "help") != 0 else { return }
    OpenSSLStartup.begin()
}
