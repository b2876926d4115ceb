package dev.coffer.connectors.wechat.oa;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Reads a callback body (a flat {@code <xml>} element, values in CDATA, a few nested groups) into
 * named values, refusing what a callback never needs and an attacker would use.
 *
 * <p>Hardening: a DOCTYPE is refused outright (that closes external entities, XXE, and entity
 * expansion such as "billion laughs" at the root, as OWASP recommends); external DTDs and schemas
 * are not loaded; XInclude is off; secure processing caps what remains. Bodies beyond
 * {@link #MAX_BYTES} and trees deeper than {@link #MAX_DEPTH} or wider than {@link #MAX_FIELDS} are
 * refused before or after parsing. A refusal is a {@link Refused} with a reason, never a partial
 * result.
 */
final class SafeXml {
  /** Largest body read; WeChat's own bodies are a few KiB. */
  static final int MAX_BYTES = 1 << 20;
  static final int MAX_DEPTH = 8;
  static final int MAX_FIELDS = 2000;

  /**
   * Built once: looking the factory up per parse cost more than the parse. JAXP factories are not
   * thread-safe, so builders are made under its lock (a builder is then used by one thread).
   */
  private static final DocumentBuilderFactory FACTORY;

  static {
    try {
      FACTORY = factory();
    } catch (ParserConfigurationException e) {
      throw new ExceptionInInitializerError("the JDK's XML parser cannot be hardened: " + e.getMessage());
    }
  }

  private SafeXml() {}

  /** Why a body could not be read as a callback XML. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }

  /**
   * The values of a parsed body.
   *
   * @param root the root element's name ({@code xml} for WeChat)
   * @param top the root's direct children that hold text, by element name (first occurrence wins;
   *     later ones are in {@code all})
   * @param all every text-holding element by path, e.g. {@code SendPicsInfo/PicList/item[2]/PicMd5Sum},
   *     in document order
   */
  record Fields(String root, Map<String, String> top, Map<String, String> all) {
    String get(String name) {
      return top.get(name);
    }
  }

  static Fields parse(byte[] body) throws Refused {
    if (body.length > MAX_BYTES) {
      throw new Refused("the body is " + body.length + " bytes, more than the " + MAX_BYTES
          + " a callback may have");
    }
    Document doc;
    try {
      DocumentBuilder builder;
      synchronized (FACTORY) {
        builder = FACTORY.newDocumentBuilder();
      }
      builder.setErrorHandler(SILENT);
      // Never resolve anything from outside, even if a parser feature were ignored.
      builder.setEntityResolver((publicId, systemId) -> {
        throw new SAXException("external entities are not allowed");
      });
      doc = builder.parse(new ByteArrayInputStream(body));
    } catch (SAXParseException e) {
      String m = String.valueOf(e.getMessage());
      if (m.contains("DOCTYPE")) {
        throw new Refused("refused: the XML declares a DOCTYPE, which a WeChat callback never does"
            + " (external entities and entity expansion are not allowed)");
      }
      throw new Refused("not well-formed XML at line " + e.getLineNumber() + ", column "
          + e.getColumnNumber() + ": " + m);
    } catch (SAXException e) {
      throw new Refused("not readable XML: " + e.getMessage());
    } catch (IOException e) {
      throw new Refused("not readable XML: " + e.getMessage());
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK's XML parser cannot be hardened", e);
    }
    Element root = doc.getDocumentElement();
    Map<String, String> top = new LinkedHashMap<>();
    Map<String, String> all = new LinkedHashMap<>();
    int[] count = {0};
    for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e) {
        walk(e, e.getTagName(), 1, all, count);
        if (!hasElementChildren(e)) {
          top.putIfAbsent(e.getTagName(), e.getTextContent());
        }
      }
    }
    return new Fields(root.getTagName(), Collections.unmodifiableMap(top),
        Collections.unmodifiableMap(all));
  }

  private static void walk(Element e, String path, int depth, Map<String, String> all, int[] count)
      throws Refused {
    if (depth > MAX_DEPTH) {
      throw new Refused("refused: elements nest deeper than " + MAX_DEPTH);
    }
    if (!hasElementChildren(e)) {
      if (++count[0] > MAX_FIELDS) {
        throw new Refused("refused: more than " + MAX_FIELDS + " values");
      }
      String key = path;
      int n = 2;
      while (all.containsKey(key)) {
        key = path + "[" + n++ + "]";
      }
      all.put(key, e.getTextContent());
      return;
    }
    Map<String, Integer> seen = new LinkedHashMap<>();
    List<Element> children = new ArrayList<>();
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c) {
        children.add(c);
      }
    }
    for (Element c : children) {
      int i = seen.merge(c.getTagName(), 1, Integer::sum);
      String childPath = path + "/" + c.getTagName() + (i > 1 ? "[" + i + "]" : "");
      walk(c, childPath, depth + 1, all, count);
    }
  }

  private static boolean hasElementChildren(Element e) {
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n.getNodeType() == Node.ELEMENT_NODE) {
        return true;
      }
    }
    return false;
  }

  private static DocumentBuilderFactory factory() throws ParserConfigurationException {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    f.setFeature("http://xml.org/sax/features/external-general-entities", false);
    f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    f.setXIncludeAware(false);
    f.setExpandEntityReferences(false);
    f.setNamespaceAware(false);
    f.setValidating(false);
    return f;
  }

  /** The default handler prints to stderr; parse errors are reported through the exception. */
  private static final ErrorHandler SILENT = new ErrorHandler() {
    @Override
    public void warning(SAXParseException e) {}

    @Override
    public void error(SAXParseException e) throws SAXException {
      throw e;
    }

    @Override
    public void fatalError(SAXParseException e) throws SAXException {
      throw e;
    }
  };
}
