package dev.coffer.model;

import java.util.List;

/**
 * A shared contact card.
 *
 * @param name the contact's display name
 * @param phones phone numbers as given (E.164 where they could be normalized)
 * @param vcardSha256 digest of the archived vCard blob, when the bytes were delivered
 */
public record ContactCard(String name, List<String> phones, String vcardSha256) {}
