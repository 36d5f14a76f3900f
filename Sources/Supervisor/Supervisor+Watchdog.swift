import ChildProcesses
import Logging
import Postgres

/// The I/O around `Watchdog`: a timer at the deadline, and the outright stop.
extension Supervisor {
    func applyWatchdog(_ action: Watchdog.Action) async {
        switch action {
        case .none:
            break
        case .schedule(let deadline):
            scheduleWatchdog(at: deadline)
        case .enforce:
            watchdogTimer?.cancel()
            watchdogTimer = nil
            await enforceWatchdog()
        }
    }

    private func scheduleWatchdog(at deadline: BootInstant) {
        watchdogTimer?.cancel()
        watchdogTimer = Task { [weak self] in
            let remaining = BootInstant.now.duration(to: deadline)
            if remaining > .zero {
                do { try await Task.sleep(for: remaining) } catch { return }
            }
            await self?.watchdogTimerFired()
        }
    }

    /// Runs in the timer's own task, which must not cancel itself: a cancelled task would make
    /// every wait of the restart that follows return at once.
    private func watchdogTimerFired() async {
        guard !Task.isCancelled else { return }
        watchdogTimer = nil
        await applyWatchdog(watchdog.deadlineReached(now: .now))
    }

    /// The deadline passed without a newer one: nothing may be writable now. A standby cannot
    /// take writes; anything else is stopped at once (an immediate shutdown, so no backend
    /// commits anything more) and, unless the container is shutting down, restarted in place,
    /// fenced, because the rules file is fenced first.
    func enforceWatchdog() async {
        guard let server, server.child.exitStatus == nil, !files.inspect().isStandby else { return }
        watchdogStops += 1
        logger.warning(
            "watchdog deadline passed without renewal; stopping PostgreSQL outright",
            metadata: ["pg.pid": "\(server.pid)"])
        do {
            if let rules = files.read(configuration.hbaPath), !HBAFence.isFenced(rules) {
                try files.write(HBAFence.fenced(rules), to: configuration.hbaPath)
            }
        } catch {
            record(error, "watchdog could not fence pg_hba.conf (the restart renders it fenced anyway)")
        }
        generation += 1
        await server.stopImmediately()
        self.server = nil
        guard state != .shuttingDown, operation == nil else { return }
        state = .restarting
        do {
            try await startServer()
        } catch {
            record(error, "restart after the watchdog stop failed")
            await restartAfterCrash()
        }
    }
}
