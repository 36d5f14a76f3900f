import CPosixShims
import Glibc
import Testing

/// The failover sidecar drops its relocation table's pages once the dynamic linker is done with
/// them. The test binary is a position-independent executable too, so it can check that on itself.
@Suite("Releasing the relocation table")
struct RelocationTableTests {
    @Test("the table is found, its whole pages leave the resident set, and reading it again still works")
    func release() throws {
        var start: UInt = 0
        var size = 0
        #expect(pgswarm_find_relocation_table(&start, &size) == 1)
        let page = UInt(sysconf(Int32(_SC_PAGESIZE)))
        let first = (start + page - 1) & ~(page - 1)
        let end = (start + UInt(size)) & ~(page - 1)
        try #require(end > first, "the table spans no whole page (\(size) bytes)")
        let before = UnsafePointer<UInt8>(bitPattern: first)!.pointee
        #expect(try isResident(first))

        let released = pgswarm_release_relocation_table()
        #expect(released == Int(end - first))
        for address in stride(from: first, to: end, by: Int(page)) {
            #expect(try !isResident(address), "page at \(address) still resident")
        }
        // The pages come back from the executable's file, unchanged, if anything reads them.
        #expect(UnsafePointer<UInt8>(bitPattern: first)!.pointee == before)
    }

    private func isResident(_ address: UInt) throws -> Bool {
        let descriptor = open("/proc/self/pagemap", O_RDONLY)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        var entry: UInt64 = 0
        let offset = off_t(address / UInt(sysconf(Int32(_SC_PAGESIZE))) * 8)
        try #require(pread(descriptor, &entry, 8, offset) == 8)
        return entry >> 63 == 1
    }
}
