import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses an SVG with Foundation's XMLParser and collects what the tests look at.
final class SVGDocumentCounter: NSObject, XMLParserDelegate {
    var elements: [String: Int] = [:]
    var texts: [String] = []
    var titles: [String] = []
    var rootAttributes: [String: String] = [:]
    private var current: String?
    private var buffer = ""

    /// Parses `data`; returns `nil` (and the parser's error) when it is not well-formed XML.
    static func parse(_ data: Data) -> (SVGDocumentCounter?, (any Error)?) {
        let parser = XMLParser(data: data)
        let counter = SVGDocumentCounter()
        parser.delegate = counter
        return parser.parse() ? (counter, nil) : (nil, parser.parserError)
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if elementName == "svg" { rootAttributes = attributes }
        elements[elementName, default: 0] += 1
        if elementName == "text" || elementName == "title" {
            current = elementName
            buffer = ""
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if current != nil { buffer += string }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        if elementName == "text" { texts.append(buffer) }
        if elementName == "title" { titles.append(buffer) }
        if elementName == current { current = nil }
    }
}
