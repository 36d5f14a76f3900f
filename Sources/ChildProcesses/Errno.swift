import Glibc

/// `strerror` text for an errno value, e.g. "No such file or directory (2)".
package func errnoDescription(_ code: Int32) -> String {
    "\(String(cString: strerror(code))) (\(code))"
}
