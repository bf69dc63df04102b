package network.butter.node.portmap;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * The WAN connection service of an Internet Gateway Device, read from its device description: the service type to
 * name in SOAP calls and the URL to post them to.
 *
 * @param serviceType e.g. {@code urn:schemas-upnp-org:service:WANIPConnection:1}
 * @param controlUrl  absolute, on the host the description came from
 */
record IgdService(String serviceType, URI controlUrl) {

    /** The services that map ports, best first. */
    static final List<String> WAN_SERVICES = List.of(
        "urn:schemas-upnp-org:service:WANIPConnection:2",
        "urn:schemas-upnp-org:service:WANIPConnection:1",
        "urn:schemas-upnp-org:service:WANPPPConnection:1");

    /**
     * Finds the best WAN connection service in a device description.
     *
     * @param location where the description was read, against which relative URLs resolve
     * @throws PortMappingException if the XML is unreadable, names no such service, or its control URL points at
     *                              another host than the description's
     */
    static IgdService fromDescription(String xml, URI location) throws PortMappingException {
        Document document = parse(xml);
        NodeList services = document.getElementsByTagNameNS("*", "service");
        for (String wanted : WAN_SERVICES) {
            for (int i = 0; i < services.getLength(); i++) {
                Element service = (Element) services.item(i);
                if (wanted.equals(childText(service, "serviceType").orElse(null))) {
                    String control = childText(service, "controlURL").orElseThrow(() ->
                        new PortMappingException("UPnP: service " + wanted + " without controlURL"));
                    URI base = childText(document.getDocumentElement(), "URLBase").map(IgdService::uri)
                        .orElse(location);
                    URI controlUrl = base.resolve(control.strip());
                    checkSameHost(controlUrl, location.getHost());
                    return new IgdService(wanted, controlUrl);
                }
            }
        }
        throw new PortMappingException("UPnP: the device offers no WANIPConnection or WANPPPConnection service");
    }

    /** Refuses a URL that is not plain HTTP on {@code host}: a device may only send us to itself. */
    static void checkSameHost(URI url, String host) throws PortMappingException {
        if (!"http".equalsIgnoreCase(url.getScheme()) || url.getHost() == null || !url.getHost().equals(host)) {
            throw new PortMappingException("UPnP: URL " + url + " is not plain HTTP on " + host);
        }
    }

    /** The text of the first element named {@code localName} (any namespace) in an XML text, if any. */
    static Optional<String> element(String xml, String localName) {
        try {
            NodeList found = parse(xml).getElementsByTagNameNS("*", localName);
            return found.getLength() == 0 ? Optional.empty() : Optional.of(found.item(0).getTextContent().strip());
        } catch (PortMappingException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> childText(Element parent, String localName) {
        for (org.w3c.dom.Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element element && localName.equals(element.getLocalName())) {
                return Optional.of(element.getTextContent().strip());
            }
        }
        return Optional.empty();
    }

    private static URI uri(String text) {
        try {
            return URI.create(text.strip());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Parses XML with DTDs refused, so neither external entities nor entity expansion can be abused. */
    private static Document parse(String xml) throws PortMappingException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(new org.xml.sax.helpers.DefaultHandler());
            return builder.parse(new InputSource(new StringReader(xml)));
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser lacks a secure setting", e);
        } catch (SAXException | IOException e) {
            throw new PortMappingException("UPnP: unreadable XML: " + e.getMessage(), e);
        }
    }
}
