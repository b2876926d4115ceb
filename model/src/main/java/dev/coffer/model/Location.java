package dev.coffer.model;

/**
 * A shared location or venue. Coordinates are kept as the source's decimal text: coffer/1 holds no
 * floating-point numbers, so a digest never depends on how a platform prints a double.
 *
 * @param latitude decimal degrees as text, e.g. {@code 51.50214569326172}
 * @param longitude decimal degrees as text
 * @param name venue name, if any
 * @param address venue address, if any
 * @param url the link the source gave, if any
 * @param live true for a live-location share
 */
public record Location(
    String latitude, String longitude, String name, String address, String url,
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_DEFAULT)
    boolean live) {}
