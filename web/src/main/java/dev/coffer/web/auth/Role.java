package dev.coffer.web.auth;

import java.util.Locale;

/**
 * What a user may do in the web app. Each role's rights are fixed here so that a check reads as a
 * question ("may this role read audit records?") rather than a list of role names at every call site.
 */
public enum Role {
  /** Manages users, roles and assignments; sees all content and the audit trail. */
  ADMIN,
  /** Supervises: sees all content. */
  SUPERVISOR,
  /** Reviews: sees only the people, conversations and channels assigned (the information barrier). */
  REVIEWER,
  /** Legal / eDiscovery: sees all content, including restricted records. */
  LEGAL,
  /** Read-only: sees all content and reads the audit trail; changes nothing in the archive. */
  AUDITOR;

  /** The role's name as users type and see it, e.g. {@code reviewer}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Reads a role name, case-insensitively. @throws IllegalArgumentException naming the value */
  public static Role parse(String s) {
    if (s != null) {
      for (Role r : values()) {
        if (r.label().equalsIgnoreCase(s.strip())) {
          return r;
        }
      }
    }
    throw new IllegalArgumentException("role: '" + s + "' is not one of admin, supervisor, reviewer, legal, auditor");
  }

  /** True when the information barrier (the user's assignments) confines what this role sees. */
  public boolean confinedByBarrier() {
    return this == REVIEWER;
  }

  /** True when this role may read Coffer's own audit records. */
  public boolean readsAudit() {
    return this == AUDITOR || this == ADMIN;
  }

  /** True when this role may manage users, roles and assignments. */
  public boolean administers() {
    return this == ADMIN;
  }

  /** True when this role is a compliance role that may see records restricted from everyone else. */
  public boolean seesRestricted() {
    return this == LEGAL || this == AUDITOR || this == SUPERVISOR;
  }
}
