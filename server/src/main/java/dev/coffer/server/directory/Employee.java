package dev.coffer.server.directory;

import java.util.List;
import java.util.Objects;

/**
 * One employee (a custodian) and the handles they use for business. Phone numbers are E.164.
 *
 * @param id the firm's own id for the employee (e.g. an HR number); unique in a directory
 * @param name display name
 * @param email work e-mail, may be null
 * @param phones personal or work mobile numbers the employee uses for WhatsApp or WeChat
 * @param whatsAppNumbers WhatsApp Business numbers the employee answers for (the business side of
 *     Cloud API conversations)
 * @param weChatOpenIds the employee's OpenIDs (per Official Account)
 * @param weComUserIds the employee's WeCom user ids
 */
public record Employee(String id, String name, String email, List<String> phones, List<String> whatsAppNumbers,
    List<String> weChatOpenIds, List<String> weComUserIds) {
  public Employee {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    phones = List.copyOf(phones == null ? List.of() : phones);
    whatsAppNumbers = List.copyOf(whatsAppNumbers == null ? List.of() : whatsAppNumbers);
    weChatOpenIds = List.copyOf(weChatOpenIds == null ? List.of() : weChatOpenIds);
    weComUserIds = List.copyOf(weComUserIds == null ? List.of() : weComUserIds);
  }

  /** Every handle of this employee, as records carry them. */
  public List<String> handles() {
    List<String> all = new java.util.ArrayList<>();
    all.addAll(phones);
    all.addAll(whatsAppNumbers);
    all.addAll(weChatOpenIds);
    all.addAll(weComUserIds);
    return all;
  }

  /** Not the handles: {@code toString} may reach a log. */
  @Override
  public String toString() {
    return "Employee[id=" + id + ", handles=" + handles().size() + "]";
  }
}
