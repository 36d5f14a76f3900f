import Testing

@testable import Kube

@Suite("API request")
struct APIRequestTests {
    @Test("query values are percent-encoded except RFC 3986 unreserved characters")
    func percentEncoding() {
        let request = APIRequest(
            method: "GET", path: "/api/v1/pods",
            query: [
                (name: "labelSelector", value: "role in (primary,replica),!draining"),
                (name: "fieldSelector", value: "metadata.name=pg-0"), (name: "x", value: "a-b_c.d~é/ +"),
            ])
        #expect(
            request.encodedQuery()
                == "labelSelector=role%20in%20%28primary%2Creplica%29%2C%21draining"
                + "&fieldSelector=metadata.name%3Dpg-0&x=a-b_c.d~%C3%A9%2F%20%2B")
    }
}
