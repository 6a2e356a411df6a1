package io.kubedyn.gateway;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Free loopback ports for a group of test processes, never the same port twice within the group:
 * the kernel may hand a just-released ephemeral port out again, and two pods of one suite on one
 * port make the suite fail for no fault of the code under test.
 */
final class LoopbackPorts {
    private final Set<Integer> handedOut = new HashSet<>();

    synchronized int next() throws IOException {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0)) {
                if (handedOut.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            }
        }
    }
}
