package org.postern.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Loopback ports free right now (held open together so that they are distinct). They are drawn below Linux's
 * ephemeral range (32768 and up), so that the outgoing connections of a busy test cannot take them between the
 * moment we pick them and the moment the server binds them.
 */
final class FreePorts {
    private static final int LOW = 20_000;
    private static final int HIGH = 32_000;

    private FreePorts() {
    }

    static int[] take(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        java.util.Random random = new java.util.Random();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = null;
                for (int attempt = 0; socket == null; attempt++) {
                    if (attempt > 1_000) {
                        throw new IOException("no free loopback port between " + LOW + " and " + HIGH);
                    }
                    try {
                        socket = new ServerSocket(LOW + random.nextInt(HIGH - LOW), 1, InetAddress.getLoopbackAddress());
                    } catch (IOException taken) {
                        // try another
                    }
                }
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }
}
