package dev.coffer.cli;

import java.net.InetAddress;

/** Who runs the CLI and from where: written into audit records. */
record Actor(String name, String host) {
  static Actor current() {
    String user = System.getProperty("user.name", "unknown");
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      host = "unknown";
    }
    return new Actor("os:" + user, host);
  }
}
