import Testing
import TextBasics

@Suite("Text basics")
struct TrimmingTests {
    @Test("whitespace and newlines go from both ends, inner whitespace stays")
    func whitespace() {
        #expect("  token-1\n".trimmingWhitespace == "token-1")
        #expect("\t\r\n a b \u{00A0}\n".trimmingWhitespace == "a b")
        #expect(" \n\t ".trimmingWhitespace == "")
        #expect("".trimmingWhitespace == "")
        #expect("x".trimmingWhitespace == "x")
        #expect("shutdown  ".dropFirst(0).trimmingWhitespace == "shutdown")
    }

    @Test("a character set goes from both ends only")
    func characterSet() {
        #expect("[::1]".trimming(["[", "]"]) == "::1")
        #expect("[]".trimming(["[", "]"]) == "")
        #expect("a[b]c".trimming(["[", "]"]) == "a[b]c")
    }

    @Test("the parent directory of a path, as kubectl resolves relative kubeconfig paths")
    func parentDirectory() {
        #expect("/etc/kube/config".parentDirectory == "/etc/kube")
        #expect("/config".parentDirectory == "/")
        #expect("config".parentDirectory == "")
        #expect("dir/config".parentDirectory == "dir")
    }
}
