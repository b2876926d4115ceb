/**
 * WeChat Official Account (公众号) callbacks: URL verification, plain, compatible and safe mode
 * (AES-256-CBC with the EncodingAESKey), every message and event type turned into {@code coffer/1}
 * records.
 *
 * <p>Start at {@link dev.coffer.connectors.wechat.oa.OfficialAccountCallback}: the HTTP server
 * builds one from an {@link dev.coffer.connectors.wechat.oa.OfficialAccountConfig} and calls
 * {@code verifyUrl} for GET and {@code handle} for POST. See {@code docs/wechat-official-account.md}
 * for the mapping of each type to records and the natural keys.
 */
package dev.coffer.connectors.wechat.oa;
