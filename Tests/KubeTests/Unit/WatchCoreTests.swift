import Foundation
@testable import Kube
import Testing

@Suite("Watch core")
struct WatchCoreTests {
    static func map(_ name: String, _ version: String) -> ConfigMap {
        ConfigMap(metadata: ObjectMeta(name: name, namespace: "ns", resourceVersion: version))
    }

    static func names(_ changes: [WatchChange<ConfigMap>]) -> [String] {
        changes.map { change in
            switch change {
            case .added(let object): "+\(object.metadata.name!)"
            case .modified(let object): "~\(object.metadata.name!)"
            case .deleted(let object): "-\(object.metadata.name!)"
            case .synced(let version): "synced@\(version)"
            case .resumed: "resumed"
            }
        }
    }

    @Test("a relist reports exactly what changed in the gap")
    func relistDiff() {
        var cache = ObjectCache(
            known: [Self.map("a", "1"), Self.map("b", "2"), Self.map("c", "3")], resourceVersion: "3")
        cache.invalidate()
        #expect(cache.resourceVersion == nil)
        let changes = cache.replace(with: [Self.map("b", "2"), Self.map("c", "9"), Self.map("d", "8")], at: "10")
        #expect(Self.names(changes) == ["-a", "~c", "+d"])
        #expect(cache.resourceVersion == "10")
    }

    @Test("events update the cache and the resume point; repeats and bookmarks report nothing")
    func events() {
        var cache = ObjectCache<ConfigMap>(resourceVersion: "5")
        #expect(Self.names([cache.apply(.added(Self.map("a", "6")))].compactMap { $0 }) == ["+a"])
        #expect(cache.apply(.added(Self.map("a", "6"))) == nil)
        #expect(Self.names([cache.apply(.modified(Self.map("b", "7")))].compactMap { $0 }) == ["+b"])
        #expect(cache.apply(.bookmark(resourceVersion: "20")) == nil)
        #expect(cache.resourceVersion == "20")
        #expect(Self.names([cache.apply(.deleted(Self.map("a", "21")))].compactMap { $0 }) == ["-a"])
        #expect(cache.objects.keys.sorted() == ["ns/b"])
    }

    @Test("lines split across any chunking; an oversized line is refused")
    func lineSplitting() throws {
        let text = Array("{\"a\":1}\n\n{\"b\":2}\r\n{\"c\"".utf8)
        for cut in 0...text.count {
            var splitter = LineSplitter(limit: 100)
            var lines = try splitter.append(text[..<cut])
            lines += try splitter.append(text[cut...])
            #expect(lines.map { String(decoding: $0, as: UTF8.self) } == ["{\"a\":1}", "{\"b\":2}\r"])
            #expect(splitter.finish().map { String(decoding: $0, as: UTF8.self) } == "{\"c\"")
        }
        var small = LineSplitter(limit: 4)
        #expect(throws: LineSplitter.Failure.self) { try small.append(Array("12345".utf8)) }
    }
}
