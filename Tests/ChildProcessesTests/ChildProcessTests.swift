import ChildProcesses
import Glibc
import Testing

@Suite("Child processes")
struct ChildProcessTests {
    @Test("arguments reach the program verbatim, without a shell")
    func argumentsAreNotShellParsed() async throws {
        let result = try await ChildProcess.run(
            ProcessSpec(executable: "/bin/echo", arguments: ["a b", "$(id)", "; rm -rf /", "'\""]),
            timeout: .seconds(10))
        #expect(result.status == .exited(code: 0))
        #expect(result.output == "a b $(id) ; rm -rf / '\"\n")
    }

    @Test("the environment is exactly the one given")
    func environmentIsExplicit() async throws {
        let result = try await ChildProcess.run(
            ProcessSpec(executable: "/usr/bin/env", environment: ["ONLY": "this"]), timeout: .seconds(10))
        #expect(result.output == "ONLY=this\n")
    }

    @Test("exit codes and signals are reported")
    func exitStatus() async throws {
        let failed = try await ChildProcess.run(
            ProcessSpec(executable: "/bin/sh", arguments: ["-c", "exit 3"]), timeout: .seconds(10))
        #expect(failed.status == .exited(code: 3))
        let child = try ChildProcess.spawn(ProcessSpec(executable: "/bin/sleep", arguments: ["30"], newSession: true))
        #expect(child.send(signal: SIGKILL))
        #expect(await child.waitForExit() == .signalled(signal: SIGKILL))
        #expect(!child.send(signal: SIGKILL), "a reaped child is never signalled again")
    }

    @Test("a command past its timeout is killed with its whole process group")
    func timeoutKillsGroup() async throws {
        let error = await #expect(throws: ChildProcessError.self) {
            _ = try await ChildProcess.run(
                ProcessSpec(executable: "/bin/sh", arguments: ["-c", "sleep 30 & sleep 30"], newSession: true),
                timeout: .milliseconds(300))
        }
        #expect(error == .timedOut(executable: "/bin/sh", after: .milliseconds(300)))
    }

    @Test("a missing program is a clear error")
    func missingProgram() async throws {
        #expect(throws: ChildProcessError.spawnFailed(executable: "/nonexistent/tool", errno: ENOENT)) {
            _ = try ChildProcess.spawn(ProcessSpec(executable: "/nonexistent/tool"))
        }
    }

    @Test("a child that dies with its parent carries the parent-death signal and is reaped as usual")
    func diesWithParent() async throws {
        let result = try await ChildProcess.run(
            ProcessSpec(executable: "/usr/bin/setpriv", arguments: ["--dump"], diesWithParent: true),
            timeout: .seconds(10))
        #expect(result.status == .exited(code: 0))
        #expect(result.output.contains("Parent death signal: KILL"))
        let child = try ChildProcess.spawn(
            ProcessSpec(executable: "/bin/sleep", arguments: ["30"], newSession: true, diesWithParent: true))
        #expect(child.send(signal: SIGKILL))
        #expect(await child.waitForExit() == .signalled(signal: SIGKILL))
    }

    @Test("redaction hides secret arguments in the printed command line")
    func redaction() {
        let spec = ProcessSpec(executable: "/usr/bin/tool", arguments: ["--user=x", "password=hunter2"])
        #expect(spec.redactedCommandLine { $0.contains("password") } == "/usr/bin/tool --user=x <redacted>")
    }
}
