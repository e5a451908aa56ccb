package org.postern.server.queue;

import java.io.InputStream;

import javax.mail.util.SharedByteArrayInputStream;

import org.apache.james.server.core.MimeMessageSource;

/** A queued message's bytes as James's lazily parsed {@code MimeMessageWrapper} reads them: shared, never copied. */
final class BytesMessageSource implements MimeMessageSource {
    private final String id;
    private final SharedByteArrayInputStream bytes;
    private final long size;

    BytesMessageSource(String id, byte[] bytes) {
        this.id = id;
        this.bytes = new SharedByteArrayInputStream(bytes);
        this.size = bytes.length;
    }

    @Override
    public String getSourceId() {
        return id;
    }

    @Override
    public InputStream getInputStream() {
        return bytes.newStream(0, -1);
    }

    @Override
    public long getMessageSize() {
        return size;
    }
}
