// The only C view of libsystemd. Only Sources/Systemd may import it.
// No _GNU_SOURCE here: it changes fd_set and breaks module consistency with SwiftGlibc.
#ifndef UDPLAB_CSYSTEMD_SHIM_H
#define UDPLAB_CSYSTEMD_SHIM_H

#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>

#endif
