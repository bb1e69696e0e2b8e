import Glibc

/// What ``StandardOutput`` and ``StandardError`` share: writing a text whole to descriptor 1 or 2.
enum StandardStream {
    /// Writes all of `text`'s UTF-8 to `descriptor`, resuming after a short write or `EINTR`;
    /// stops at any other error (the stream is closed or broken, and the text is lost).
    static func write(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written > 0 {
                    offset += written
                } else if written == -1 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
    }
}
