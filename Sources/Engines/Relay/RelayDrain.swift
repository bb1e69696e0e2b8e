/// The drain loop of the edge-triggered relay backends (`epoll-edge`, `reactor-edge`, `mmsg`):
/// an edge event comes once per change of readiness, so each pass serves the producer socket,
/// then the consumer socket, each until it would block or `--budget` datagrams came, then sends
/// what is owed until the socket would block; then the loop waits, only looking (zero timeout)
/// when a budget ran out with a socket still readable.
///
/// This is the shape the seed's edge programs have, for two sockets: with budget 0 a socket is
/// served until it runs dry, so a flood that never runs dry starves the other socket and the
/// sends. A budget caps each socket's turn; the wait after it only looks (zero timeout).
struct RelayDrain {
    /// Datagrams read per socket per readiness event, 0 for no cap (`--budget`).
    let budget: Int
    /// The sockets may have datagrams: they may have come before the registration.
    private(set) var canReadProducers = true
    private(set) var canReadConsumers = true
    /// The consumer socket may take a send.
    private(set) var canWrite = true

    init(budget: Int) {
        self.budget = budget
    }

    /// The next wait only looks (zero timeout): a budget ran out with a socket still readable.
    var isYielding: Bool { canReadProducers || canReadConsumers }

    /// One pass over both sockets and the sends.
    mutating func pass(_ path: RelayPath) {
        if canReadProducers {
            if path.isBatched {
                var received = 0
                while budget == 0 || received < budget {
                    guard
                        case .processed(let batch) = path.receiveProducedBatch(
                            limit: budget == 0 ? .max : budget - received
                        )
                    else {
                        canReadProducers = false
                        break
                    }
                    received += batch.received
                    if batch.isDrained {
                        canReadProducers = false
                        break
                    }
                }
            } else {
                canReadProducers = !path.receiveProduced(budget: budget)
            }
        }
        if canReadConsumers {
            canReadConsumers = !path.receiveFromConsumers(budget: budget)
        }
        if canWrite && path.hasPending {
            canWrite = !path.sendOwed()
        }
    }

    /// After a wait: what it reported for each socket.
    mutating func woke(producersReadable: Bool, consumersReadable: Bool, writable: Bool) {
        canReadProducers = canReadProducers || producersReadable
        canReadConsumers = canReadConsumers || consumersReadable
        canWrite = canWrite || writable
    }
}
