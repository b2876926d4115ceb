/**
 * What every connector whose webhooks announce media without carrying them shares: the message is
 * archived at once with its attachment {@code pending}, and a {@link dev.coffer.connectors.media.MediaQueue}
 * later fetches the bytes from the platform's API (a {@link dev.coffer.connectors.media.MediaSource}:
 * WhatsApp's Graph API, WeChat's {@code cgi-bin/media/get}), stores them as a blob and archives a
 * {@code completion} record; failures are retried with backoff; the queue is rebuilt from the
 * archive at start. {@link dev.coffer.connectors.media.MediaHttp} holds the bounded reads, jittered
 * waits and the rule for where a token may be sent.
 */
package dev.coffer.connectors.media;
