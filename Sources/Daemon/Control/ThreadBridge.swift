import Dispatch
import Synchronization

/// Runs async work from a plain thread (a control connection's) and blocks that thread until
/// it is done.
///
/// Only for dedicated threads: never call it from Swift's cooperative pool, which it would starve.
func awaitFromThread<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T {
    let done = DispatchSemaphore(value: 0)
    let result = Mutex<T?>(nil)
    Task {
        let value = await work()
        result.withLock { $0 = value }
        done.signal()
    }
    done.wait()
    return result.withLock { $0! }
}
