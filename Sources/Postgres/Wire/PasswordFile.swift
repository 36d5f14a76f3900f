import FoundationEssentials
import Glibc

/// libpq's password file (`~/.pgpass`, or `passfile` / `PGPASSFILE`): lines of
/// `hostname:port:database:username:password`, `*` matching anything, `\` escaping `:` and `\`.
enum PasswordFile {
    /// The password of the first matching line, or nil. A Unix-socket host matches `localhost`
    /// (as in libpq). A file readable by group or others is ignored, as libpq does.
    static func lookup(path: String, host: String, port: Int, database: String, user: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_mode & 0o077 == 0,
            let data = FileManager.default.contents(atPath: path)
        else { return nil }
        return lookup(
            in: String(decoding: data, as: UTF8.self), host: host, port: port, database: database, user: user)
    }

    static func lookup(in text: String, host: String, port: Int, database: String, user: String) -> String? {
        let hostName = host.hasPrefix("/") || host.hasPrefix("@") ? "localhost" : host
        let wanted = [hostName, String(port), database, user]
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let fields = split(line)
            guard fields.count == 5 else { continue }
            if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }

    /// Splits on unescaped colons into at most five fields (the password may contain colons).
    private static func split(_ line: Substring) -> [String] {
        var fields: [String] = [""]
        var escaped = false
        for character in line {
            if escaped {
                fields[fields.count - 1].append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ":" && fields.count < 5 {
                fields.append("")
            } else {
                fields[fields.count - 1].append(character)
            }
        }
        return fields
    }
}
