package dev.coffer.model;

/**
 * A participant as the source names them.
 *
 * @param handle E.164 phone number where known, else the platform id (wa_id, wxid, OpenID, userid,
 *     or a Coffer user name for audit records); null when only a display name is known
 * @param name the display name as the source shows it; may be null
 */
public record Party(String handle, String name) {
  public Party {
    if (handle == null && name == null) {
      throw new IllegalArgumentException("a party needs a handle or a name");
    }
  }

  /** A key that identifies this party within one source: the handle if known, else the name. */
  public String key() {
    return handle != null ? handle : "name:" + name;
  }
}
