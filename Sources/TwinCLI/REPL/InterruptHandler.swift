import Foundation
import TwinLua
#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C while Lua or a simulation runs: asks the session to stop (the run ends with a
/// `cancelled` error and the prompt returns); at the prompt it only clears the line.
/// The handler does nothing but async-signal-safe stores.
struct InterruptHandler {
    private let previous: sigaction

    static func install(session: Session) -> InterruptHandler {
        activeInterrupt = session.interrupt
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            interruptRequested = 1
            activeInterrupt?.fire()
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0  // no SA_RESTART: a blocked read returns, so the prompt can redraw
        var old = sigaction()
        sigaction(SIGINT, &action, &old)
        // A parent may have started us with SIGINT blocked (the mask is inherited across exec);
        // Ctrl-C must reach the handler all the same.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        return InterruptHandler(previous: old)
    }

    func uninstall() {
        var old = previous
        sigaction(SIGINT, &old, nil)
        activeInterrupt = nil
    }
}

/// Read by the handler: a value of raw pointers, so reading it retains nothing.
nonisolated(unsafe) private var activeInterrupt: SessionInterrupt?
